using System.Diagnostics;
using System.Net;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emulator;

/// <summary>The real executable: started as a child process, announces its port, serves signed requests, stops.</summary>
public sealed class EmulatorProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("emx2-emu-proc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Child_process_announces_its_url_and_serves_signed_requests()
    {
        var secretFile = Path.Combine(_dir, "s.txt");
        await File.WriteAllTextAsync(secretFile, EmulatorFixture.SharedSecret + "\n");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir,
        };
        foreach (var arg in new[] { SharedPaths.EmulatorDll, "--urls", "http://127.0.0.1:0", "--shared-secret-file", secretFile, "--user-token", "admin=Manager" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        try
        {
            var firstLine = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.NotNull(firstLine);
            var match = System.Text.RegularExpressions.Regex.Match(firstLine, @"^listening on (http://127\.0\.0\.1:(\d+))$");
            Assert.True(match.Success, $"unexpected first line: {firstLine}");
            var baseUrl = new Uri(match.Groups[1].Value);
            Assert.NotEqual("0", match.Groups[2].Value);

            using var http = new HttpClient();
            var worker = new HmacCredential("proc-worker", EmulatorFixture.SharedSecret);
            var at = DateTimeOffset.UtcNow;
            const string nonce = "process-test-nonce";
            using (var ok = await http.SendAsync(SignedRequests.Hmac(baseUrl, HttpMethod.Get, "/api/hpc/jobs?status=PENDING", worker, at: at, nonce: nonce)))
                await HttpAssert.StatusAsync(HttpStatusCode.OK, ok);
            using (var replay = await http.SendAsync(SignedRequests.Hmac(baseUrl, HttpMethod.Get, "/api/hpc/jobs?status=PENDING", worker, at: at, nonce: nonce)))
                await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, replay, "Nonce");
            using (var unsigned = await http.SendAsync(SignedRequests.Unsigned(baseUrl, HttpMethod.Get, "/api/hpc/jobs")))
                await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, unsigned);
            using (var user = await http.SendAsync(SignedRequests.User(baseUrl, HttpMethod.Get, "/api/hpc/jobs", "admin")))
                await HttpAssert.StatusAsync(HttpStatusCode.OK, user);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.Equal("", (await process.StandardOutput.ReadToEndAsync()).Trim()); // exactly one line on stdout
    }

    [Fact]
    public async Task Bad_option_exits_2_naming_the_option()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { SharedPaths.EmulatorDll, "--max-upload-bytes", "lots" }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--max-upload-bytes", await stderr);
    }
}
