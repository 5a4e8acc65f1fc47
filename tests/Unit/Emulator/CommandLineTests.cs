using Emx2Hpc.Emulator;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emulator;

public sealed class CommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("emx2-emu-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteFile(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Defaults_without_arguments()
    {
        var o = EmulatorCommandLine.Parse([]).Options!;
        Assert.Equal("http://127.0.0.1:8765", o.ListenUrl);
        Assert.Null(o.SharedSecret);
        Assert.Empty(o.WorkerSecrets);
        Assert.Empty(o.UserTokens);
        Assert.Null(o.StatePath);
        Assert.False(o.Disabled);
        Assert.Equal(ReplayCacheMode.Global, o.ReplayCache);
        Assert.Equal(524_288_000, o.MaxUploadBytes);
        Assert.Equal(EmulatorOptions.BuiltInCredentialsKey, o.CredentialsKey);
        Assert.Null(o.FaultPlan);
    }

    [Fact]
    public void Every_option_is_read()
    {
        var shared = WriteFile("s.txt", "contract-secret-0123456789abcdef0123456789\n");
        var w1 = WriteFile("w1.txt", "  secret-one \n");
        var plan = WriteFile("plan.json", """{"rules":[{"method":"POST","path":"/claim$","action":"503","times":2}]}""");
        var result = EmulatorCommandLine.Parse([
            "--urls", "http://127.0.0.1:0", "--shared-secret-file", shared, "--worker-secret", $"w1={w1}",
            "--user-token", "admin=manager", "--user-token=view=Viewer", "--state", "state.db", "--disabled",
            "--replay-cache", "per-request", "--max-upload-bytes", "1024", "--credentials-key", "k", "--fault-plan", plan,
        ]);
        Assert.Null(result.Error);
        var o = result.Options!;
        Assert.Equal("http://127.0.0.1:0", o.ListenUrl);
        Assert.Equal("contract-secret-0123456789abcdef0123456789", o.SharedSecret);
        Assert.Equal("secret-one", o.WorkerSecrets["w1"]);
        Assert.Equal(UserRole.Manager, o.UserTokens["admin"]);
        Assert.Equal(UserRole.Viewer, o.UserTokens["view"]);
        Assert.Equal("state.db", o.StatePath);
        Assert.True(o.Disabled);
        Assert.Equal(ReplayCacheMode.PerRequest, o.ReplayCache);
        Assert.Equal(1024, o.MaxUploadBytes);
        Assert.Equal("k", o.CredentialsKey);
        var rule = Assert.Single(o.FaultPlan!.Rules);
        Assert.Equal(2, rule.Times);
    }

    [Fact]
    public void Empty_credentials_key_means_not_configured() =>
        Assert.Null(EmulatorCommandLine.Parse(["--credentials-key", ""]).Options!.CredentialsKey);

    [Fact]
    public void Help_is_recognised()
    {
        Assert.True(EmulatorCommandLine.Parse(["--help"]).HelpRequested);
        Assert.True(EmulatorCommandLine.Parse(["-h"]).HelpRequested);
    }

    [Theory]
    [InlineData("--bogus", "unknown option --bogus")]
    [InlineData("stray", "unexpected argument 'stray'")]
    [InlineData("--urls", "option --urls needs a value")]
    [InlineData("--urls=https://127.0.0.1:1", "option --urls")]
    [InlineData("--urls=not a url", "option --urls")]
    [InlineData("--user-token=abc", "option --user-token expects TOKEN=ROLE")]
    [InlineData("--user-token=abc=Admin", "unknown role 'Admin'")]
    [InlineData("--worker-secret=w1", "option --worker-secret expects WORKER=FILE")]
    [InlineData("--worker-secret=w1=/nonexistent/secret.txt", "option --worker-secret: cannot read")]
    [InlineData("--shared-secret-file=/nonexistent/s.txt", "option --shared-secret-file: cannot read")]
    [InlineData("--replay-cache=sometimes", "option --replay-cache")]
    [InlineData("--max-upload-bytes=0", "option --max-upload-bytes")]
    [InlineData("--max-upload-bytes=-5", "option --max-upload-bytes")]
    [InlineData("--max-upload-bytes=lots", "option --max-upload-bytes")]
    [InlineData("--disabled=yes", "option --disabled takes no value")]
    [InlineData("--fault-plan=/nonexistent/plan.json", "option --fault-plan")]
    [InlineData("--state=", "option --state needs a non-empty value")]
    public void Bad_options_give_an_error_naming_the_option(string arg, string expected)
    {
        var result = EmulatorCommandLine.Parse([arg]);
        Assert.Null(result.Options);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public void Short_shared_secret_is_rejected()
    {
        var file = WriteFile("short.txt", "too-short");
        Assert.Contains("shorter than 32", EmulatorCommandLine.Parse(["--shared-secret-file", file]).Error);
    }

    [Fact]
    public void Invalid_fault_plan_is_a_usage_error()
    {
        var file = WriteFile("bad.json", """{"rules":[{"path":"x","action":"explode"}]}""");
        Assert.Contains("unknown action", EmulatorCommandLine.Parse(["--fault-plan", file]).Error);
    }

    [Fact]
    public async Task Program_exits_2_on_a_bad_option_and_0_on_help()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(2, await EmulatorProgram.RunAsync(["--nope"], stdout, stderr));
        Assert.Contains("unknown option --nope", stderr.ToString());
        Assert.Equal("", stdout.ToString());
        Assert.Equal(0, await EmulatorProgram.RunAsync(["--help"], stdout, stderr));
        Assert.Contains("--worker-secret WORKER=FILE", stdout.ToString());
    }

    [Fact]
    public async Task Program_prints_one_listening_line_and_stops_when_cancelled()
    {
        var stdout = new StringWriter();
        using var cts = new CancellationTokenSource();
        var run = EmulatorProgram.RunAsync(["--urls", "http://127.0.0.1:0"], stdout, TextWriter.Null, cts.Token);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!stdout.ToString().Contains('\n') && DateTime.UtcNow < deadline && !run.IsCompleted) await Task.Delay(20);
        Assert.Matches(@"^listening on http://127\.0\.0\.1:\d+\r?\n$", stdout.ToString());
        cts.Cancel();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(20)));
    }
}
