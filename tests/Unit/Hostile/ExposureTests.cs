using System.Net;
using System.Text;
using Emx2Hpc.Core.Checks;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>The smaller exposures: a secret inline in a config others can read, signed requests over plain HTTP to
/// another host, success bodies of any size, and the emulator's gate missing paths routing serves.</summary>
[Collection(HostileCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ExposureTests
{
    private const string Secret = "inline-secret-0123456789abcdefghijklmnopqrstuvwx";

    private static HpcConfig LoadWithMode(HostileRoot root, string secretLine, string mode, Func<string, string?>? env = null)
    {
        var path = root.WriteFile("etc/config.yaml", $"emx2:\n  base_url: https://emx2.example.org/\n  {secretLine}\n");
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(mode, 8));
        return HpcConfigLoader.LoadFile(path, new ConfigLoadOptions { GetEnvironmentVariable = env ?? (_ => null) });
    }

    [Theory]
    [InlineData("644")]
    [InlineData("640")]
    [InlineData("604")]
    public void Check_fails_on_an_inline_secret_in_a_readable_config(string mode) => HostileLedger.Run("check: config exposure", $"inline secret, config mode 0{mode}", () =>
    {
        using var root = new HostileRoot();
        var config = LoadWithMode(root, $"worker_secret: {Secret}", mode);
        var result = ExposureChecks.InlineSecret(config)!;
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains($"(mode 0{mode})", result.Detail);
        Assert.Contains("chmod 600", result.Detail);
        Assert.DoesNotContain(Secret, result.ToString());
        Assert.Contains(LocalChecks.Run(config, simulate: true), r => r.Status == CheckStatus.Fail && r.Name == "config permissions");
        return Verdict.Refused;
    });

    [Fact]
    public void Private_config_or_a_secret_from_the_environment_passes() => HostileLedger.Run("check: config exposure", "inline secret 0600, or ${VAR} in a 0644 config", () =>
    {
        using var root = new HostileRoot();
        Assert.Equal(CheckStatus.Pass, ExposureChecks.InlineSecret(LoadWithMode(root, $"worker_secret: {Secret}", "600"))!.Status);
        var fromEnv = LoadWithMode(root, "worker_secret: ${EMX2_SECRET}", "644", name => name == "EMX2_SECRET" ? Secret : null);
        Assert.Equal(CheckStatus.Pass, ExposureChecks.InlineSecret(fromEnv)!.Status);
        return Verdict.Contained;
    });

    [Theory]
    [InlineData("http://emx2.example.org/", false, CheckStatus.Fail)]
    [InlineData("http://10.0.0.5:8080/emx2/", false, CheckStatus.Fail)]
    [InlineData("http://emx2.example.org/", true, CheckStatus.Warn)]
    [InlineData("http://127.0.0.1:8080/", false, CheckStatus.Pass)]
    [InlineData("http://[::1]:8080/", false, CheckStatus.Pass)]
    [InlineData("http://localhost:8080/", false, CheckStatus.Pass)]
    [InlineData("https://emx2.example.org/", false, CheckStatus.Pass)]
    public void Plain_http_to_another_host_fails_check_unless_allowed(string url, bool allowed, CheckStatus expected) =>
        HostileLedger.Run("check: transport", $"{url} (allow_insecure_http: {allowed})", () =>
        {
            var result = ExposureChecks.Transport(new Emx2Settings { BaseUrl = new Uri(url), AllowInsecureHttp = allowed });
            Assert.Equal(expected, result.Status);
            if (expected == CheckStatus.Fail) Assert.Contains("emx2.allow_insecure_http", result.Detail);
            return expected == CheckStatus.Pass ? Verdict.Contained : Verdict.Refused;
        });

    [Fact]
    public void Allow_insecure_http_is_a_config_key() => HostileLedger.Run("check: transport", "emx2.allow_insecure_http read from YAML", () =>
    {
        var config = HpcConfigLoader.LoadText("emx2:\n  base_url: http://emx2.lan/\n  allow_insecure_http: true\n", "c.yaml", "/etc");
        Assert.True(config.Emx2.AllowInsecureHttp);
        var error = Assert.Throws<ConfigException>(() => HpcConfigLoader.LoadText("emx2:\n  allow_insecure_http: yes\n", "c.yaml", "/etc"));
        Assert.Contains("expected true or false", error.Message);
        return Verdict.Refused;
    });

    private static Emx2Client Client(HttpMessageHandler handler) => new(new Emx2ClientOptions
    {
        BaseUrl = new Uri("http://emx2.invalid/"), WorkerId = "hostile-worker", Secret = "hostile-secret-0123456789abcdefghijklmnopqrstu",
        MaxAttempts = 1, MaxResponseBodyBytes = 64 * 1024, RequestTimeout = TimeSpan.FromSeconds(10),
    }, handler: handler);

    /// <summary>A valid job list padded with whitespace to 1 MiB: well-formed JSON the old client buffered whole.</summary>
    private static byte[] HugeJobList() => Encoding.UTF8.GetBytes("{\"items\":[],\"count\":0" + new string(' ', 1024 * 1024) + "}");

    [Theory]
    [InlineData("with Content-Length")]
    [InlineData("chunked (no Content-Length)")]
    public async Task Success_body_over_the_cap_is_refused(string how) => await HostileLedger.RunAsync("EMX2 response size", $"1 MiB success body, {how}", async () =>
    {
        var body = HugeJobList();
        using var client = Client(new StubHandler(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = how.StartsWith("chunked", StringComparison.Ordinal) ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body),
            };
            response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return response;
        }));
        var ex = await Assert.ThrowsAsync<Emx2ProtocolException>(() => client.ListJobsPageAsync(new JobQuery { Status = "PENDING" }));
        Hostile.AssertNames(ex, "65536 bytes", "/api/hpc/jobs");
        return Verdict.Refused;
    });

    /// <summary>A stream whose length is unknown, so HttpClient cannot announce or trust a Content-Length.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    public static TheoryData<string> UnauthenticatedPaths => new()
    {
        "/Api/Hpc/jobs", "/API/HPC/JOBS", "/api/HPC/jobs", "/Api/hpc/jobs?status=PENDING", "/api/hpc/Jobs",
        "/API/hpc/artifacts", "/Api/Hpc/jobs/0f8fad5b-d9cb-469f-a165-70867728950e",
        "/Api/Hpc/workers/worker-1/credentials", "/API/HPC/nothing-here",
    };

    [Theory]
    [MemberData(nameof(UnauthenticatedPaths))]
    public async Task Emulator_authenticates_every_path_routing_serves(string path) => await HostileLedger.RunAsync("emulator auth gate", $"GET {path} without credentials", async () =>
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var request = SignedRequests.Unsigned(emulator.BaseUrl, HttpMethod.Get, path);
        using var response = await emulator.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("\"items\"", await response.Content.ReadAsStringAsync());
        return Verdict.Refused;
    });

    [Theory]
    [InlineData("/api/hpc/health")]
    [InlineData("/API/HPC/HEALTH")]
    public async Task Health_stays_open(string path) => await HostileLedger.RunAsync("emulator auth gate", $"GET {path} (public)", async () =>
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var response = await emulator.Http.GetAsync(new Uri(emulator.BaseUrl, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Verdict.Contained;
    });
}
