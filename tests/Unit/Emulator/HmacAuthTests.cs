using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emulator;

/// <summary>HMAC worker authentication (SERVER-SPEC §4.2, §4.3, §5).</summary>
public class HmacAuthTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    private const string JobsPath = "/api/hpc/jobs?status=PENDING&limit=10";

    [Fact]
    public async Task Per_worker_credential_is_accepted_and_marked_used()
    {
        using var response = await f.SendAsync(f.AsWorker(HttpMethod.Get, JobsPath));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.NotNull(f.Server.ListCredentials(EmulatorFixture.Worker.WorkerId).Single(c => c.Status == "ACTIVE").LastUsedAt);
    }

    [Fact]
    public async Task Shared_secret_is_accepted_for_any_worker_id()
    {
        using var response = await f.SendAsync(f.AsWorker(HttpMethod.Get, JobsPath, credential: new HmacCredential("anyone-at-all", EmulatorFixture.SharedSecret)));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
    }

    [Fact]
    public async Task Replayed_request_is_rejected_by_the_global_cache()
    {
        var at = DateTimeOffset.UtcNow;
        var nonce = Guid.NewGuid().ToString("N");
        using var first = await f.SendAsync(SignedRequests.Hmac(f.BaseUrl, HttpMethod.Get, JobsPath, EmulatorFixture.Worker, at: at, nonce: nonce));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, first);
        using var replay = await f.SendAsync(SignedRequests.Hmac(f.BaseUrl, HttpMethod.Get, JobsPath, EmulatorFixture.Worker, at: at, nonce: nonce));
        await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, replay, "Nonce has already been used");
    }

    [Fact]
    public async Task Forged_request_still_burns_its_nonce()
    {
        var nonce = Guid.NewGuid().ToString("N");
        var forged = EmulatorFixture.Worker with { Secret = "not-the-secret-not-the-secret-not-the-secret" };
        using var bad = await f.SendAsync(SignedRequests.Hmac(f.BaseUrl, HttpMethod.Get, JobsPath, forged, nonce: nonce));
        await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, bad, "Invalid signature");
        using var good = await f.SendAsync(SignedRequests.Hmac(f.BaseUrl, HttpMethod.Get, JobsPath, EmulatorFixture.Worker, nonce: nonce));
        await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, good, "Nonce");
    }

    [Fact]
    public async Task Unsigned_request_is_401()
    {
        var request = SignedRequests.Unsigned(f.BaseUrl, HttpMethod.Get, JobsPath);
        request.Headers.Add(ProtocolHeaders.WorkerId, EmulatorFixture.Worker.WorkerId);
        using var response = await f.SendAsync(request);
        await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, response, "Missing authentication");
    }

    [Fact]
    public async Task Upper_case_signature_fails_like_on_the_server()
    {
        var request = f.AsWorker(HttpMethod.Get, JobsPath);
        var signature = request.Headers.Authorization!.Parameter!;
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("HMAC-SHA256", signature.ToUpperInvariant());
        using var response = await f.SendAsync(request);
        await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, response, "Invalid signature");
    }

    [Fact]
    public async Task Missing_nonce_or_worker_id_is_401()
    {
        var noNonce = f.AsWorker(HttpMethod.Get, JobsPath);
        noNonce.Headers.Remove(ProtocolHeaders.Nonce);
        using (var r = await f.SendAsync(noNonce)) await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, r, "Missing X-Nonce header");
        var noWorker = f.AsWorker(HttpMethod.Get, JobsPath);
        noWorker.Headers.Remove(ProtocolHeaders.WorkerId);
        using (var r = await f.SendAsync(noWorker)) await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, r, "Missing X-Worker-Id header");
    }

    [Fact]
    public async Task Query_string_is_part_of_the_signature()
    {
        var request = f.AsWorker(HttpMethod.Get, "/api/hpc/jobs?status=PENDING");
        request.RequestUri = SignedRequests.RawUri(f.BaseUrl, "/api/hpc/jobs?status=CLAIMED");
        using var response = await f.SendAsync(request);
        await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, response, "Invalid signature");
    }

    [Fact]
    public async Task Json_body_is_part_of_the_signature()
    {
        var worker = Scenario.NewWorker();
        var request = f.AsWorker(HttpMethod.Post, "/api/hpc/workers/register", $$"""{"worker_id":"{{worker.WorkerId}}"}""", credential: worker);
        request.Content = SignedRequests.JsonContent($$"""{"worker_id":"{{worker.WorkerId}}","hostname":"evil"}""");
        using var response = await f.SendAsync(request);
        await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, response, "Invalid signature");
        Assert.Null(f.Server.GetWorker(worker.WorkerId));
    }

    [Fact]
    public async Task Binary_request_with_a_body_needs_content_sha256()
    {
        var artifact = await Scenario.CreateArtifactAsync(f);
        var request = f.AsWorker(HttpMethod.Put, $"/api/hpc/artifacts/{artifact}/files/x.bin", bytes: [1, 2, 3]);
        request.Headers.Remove(ProtocolHeaders.ContentSha256);
        using var response = await f.SendAsync(request);
        await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, response, "Content-SHA256 header is required");
    }

    [Fact]
    public async Task Signature_covers_the_exact_percent_encoded_path()
    {
        var artifact = await Scenario.CreateArtifactAsync(f);
        var bytes = Encoding.UTF8.GetBytes("spaced out");
        const string encoded = "dir/my%20file%2B1.txt";
        using (var ok = await f.SendAsync(f.AsWorker(HttpMethod.Put, $"/api/hpc/artifacts/{artifact}/files/{encoded}", bytes: bytes)))
        {
            await HttpAssert.StatusAsync(HttpStatusCode.Created, ok);
            Assert.Equal("dir/my file+1.txt", (await ok.ReadJsonAsync()).GetProperty("path").GetString());
        }
        // Signed over the decoded form but sent encoded: the server signs what it received, so this must fail.
        var request = f.AsWorker(HttpMethod.Put, $"/api/hpc/artifacts/{artifact}/files/dir/my file+1.txt", bytes: bytes);
        request.RequestUri = SignedRequests.RawUri(f.BaseUrl, $"/api/hpc/artifacts/{artifact}/files/{encoded}");
        using var bad = await f.SendAsync(request);
        await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, bad, "Invalid signature");
    }

    [Fact]
    public async Task Request_signed_like_the_python_daemon_is_accepted()
    {
        // Independent of Core's HmacSigner: "\n".join([...]) and hmac.new(secret, msg, sha256).hexdigest().
        const string path = "/api/hpc/jobs?status=PENDING&limit=10";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Guid.NewGuid().ToString("N");
        var emptyHash = Convert.ToHexString(SHA256.HashData([])).ToLowerInvariant();
        var message = string.Join("\n", "GET", path, emptyHash, timestamp, nonce);
        var signature = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(EmulatorFixture.SharedSecret), Encoding.UTF8.GetBytes(message))).ToLowerInvariant();
        var request = SignedRequests.Unsigned(f.BaseUrl, HttpMethod.Get, path, timestamp: timestamp);
        request.Headers.TryAddWithoutValidation("Authorization", $"HMAC-SHA256 {signature}");
        request.Headers.Add(ProtocolHeaders.Nonce, nonce);
        request.Headers.Add(ProtocolHeaders.WorkerId, "python-daemon");
        using var response = await f.SendAsync(request);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
    }
}

/// <summary>Server-clock window and replay-cache modes, each on its own emulator.</summary>
public class HmacWindowAndModeTests
{
    [Theory]
    [InlineData(-301, false)]
    [InlineData(-300, true)]
    [InlineData(300, true)]
    [InlineData(301, false)]
    public async Task Clock_window_is_300_seconds_inclusive(int clientOffsetSeconds, bool accepted)
    {
        await using var f = await EmulatorFixture.StartAsync();
        var serverNow = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        f.Server.SetClock(() => serverNow);
        var request = SignedRequests.Hmac(f.BaseUrl, HttpMethod.Get, "/api/hpc/jobs", EmulatorFixture.Worker, at: serverNow.AddSeconds(clientOffsetSeconds));
        using var response = await f.SendAsync(request);
        if (accepted) await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        else await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, response, "outside the allowed window");
    }

    [Fact]
    public async Task Per_request_replay_cache_accepts_a_replay_like_the_real_server()
    {
        await using var f = await EmulatorFixture.StartAsync(o => o.ReplayCache = ReplayCacheMode.PerRequest);
        var at = DateTimeOffset.UtcNow;
        for (var i = 0; i < 2; i++)
        {
            using var response = await f.SendAsync(SignedRequests.Hmac(f.BaseUrl, HttpMethod.Get, "/api/hpc/jobs", EmulatorFixture.Worker, at: at, nonce: "same-nonce"));
            await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        }
    }

    [Fact]
    public async Task Unknown_worker_without_shared_secret_has_no_credential()
    {
        await using var f = await EmulatorFixture.StartAsync(o => o.SharedSecret = null);
        using var response = await f.SendAsync(f.AsWorker(HttpMethod.Get, "/api/hpc/jobs", credential: new HmacCredential("stranger", EmulatorFixture.SharedSecret)));
        await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, response, "No active credential for worker stranger");
    }

    [Fact]
    public async Task Stored_credential_without_credentials_key_is_503()
    {
        await using var f = await EmulatorFixture.StartAsync(o =>
        {
            o.SharedSecret = null;
            o.CredentialsKey = null;
        });
        using var response = await f.SendAsync(f.AsWorker(HttpMethod.Get, "/api/hpc/jobs"));
        await HttpAssert.ProblemAsync(HttpStatusCode.ServiceUnavailable, response, "MOLGENIS_HPC_CREDENTIALS_KEY");
    }
}
