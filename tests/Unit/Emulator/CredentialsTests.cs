using System.Net;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emulator;

/// <summary>Per-worker credentials: issue, rotate, revoke, list (SERVER-SPEC §6.3), and their effect on HMAC.</summary>
public class CredentialsTests
{
    // Its own emulator without the shared secret: only issued credentials authenticate here.
    private static Task<EmulatorFixture> StartAsync() => EmulatorFixture.StartAsync(o => o.SharedSecret = null);

    private static Task<HttpResponseMessage> ManagerAsync(EmulatorFixture f, HttpMethod method, string path, string? json = null) =>
        f.SendAsync(f.AsUser(EmulatorFixture.ManagerToken, method, path, json));

    private static async Task<HttpStatusCode> ProbeAsync(EmulatorFixture f, string workerId, string secret)
    {
        using var response = await f.SendAsync(f.AsWorker(HttpMethod.Get, "/api/hpc/jobs", credential: new HmacCredential(workerId, secret)));
        return response.StatusCode;
    }

    [Fact]
    public async Task Issue_returns_a_working_secret_once_and_refuses_a_second_active_one()
    {
        await using var f = await StartAsync();
        using var issued = await ManagerAsync(f, HttpMethod.Post, "/api/hpc/workers/new-worker/credentials/issue", """{"label":"  laptop  "}""");
        await HttpAssert.StatusAsync(HttpStatusCode.Created, issued);
        var body = await issued.ReadJsonAsync();
        Assert.Equal(["id", "worker_id", "status", "label", "created_at", "expires_at", "secret", "_links"], Scenario.Keys(body));
        Assert.Equal(["self", "list", "revoke"], Scenario.Keys(body.GetProperty("_links")));
        var credential = await issued.ReadAsAsync<IssuedCredentialDto>();
        Assert.Equal(43, credential.Secret.Length);
        Assert.Equal("laptop", credential.Label);
        Assert.Equal(WorkerCredentialStatus.Active, credential.Status);
        Assert.NotNull(f.Server.GetWorker("new-worker")); // issue creates the worker row

        Assert.Equal(HttpStatusCode.OK, await ProbeAsync(f, "new-worker", credential.Secret));
        using var second = await ManagerAsync(f, HttpMethod.Post, "/api/hpc/workers/new-worker/credentials/issue");
        await HttpAssert.ProblemAsync(HttpStatusCode.Conflict, second, "Worker new-worker already has an active credential");
    }

    [Fact]
    public async Task Revoke_stops_the_secret_at_once_and_is_repeatable()
    {
        await using var f = await StartAsync();
        using var issued = await ManagerAsync(f, HttpMethod.Post, "/api/hpc/workers/w/credentials/issue");
        var credential = await issued.ReadAsAsync<IssuedCredentialDto>();
        for (var i = 0; i < 2; i++)
        {
            using var revoked = await ManagerAsync(f, HttpMethod.Post, $"/api/hpc/workers/w/credentials/{credential.Id}/revoke");
            await HttpAssert.StatusAsync(HttpStatusCode.OK, revoked);
            var body = await revoked.ReadJsonAsync();
            Assert.Equal(["id", "worker_id", "status", "label", "created_at", "created_by", "last_used_at", "revoked_at", "expires_at"], Scenario.Keys(body));
            Assert.Equal(WorkerCredentialStatus.Revoked, body.GetProperty("status").GetString());
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await ProbeAsync(f, "w", credential.Secret));
        using var elsewhere = await ManagerAsync(f, HttpMethod.Post, $"/api/hpc/workers/other/credentials/{credential.Id}/revoke");
        await HttpAssert.ProblemAsync(HttpStatusCode.NotFound, elsewhere, $"Credential {credential.Id} for worker other not found");
    }

    [Fact]
    public async Task Rotate_replaces_the_secret_without_grace_period()
    {
        await using var f = await StartAsync();
        using var issued = await ManagerAsync(f, HttpMethod.Post, "/api/hpc/workers/w/credentials/issue");
        var old = await issued.ReadAsAsync<IssuedCredentialDto>();
        using var rotated = await ManagerAsync(f, HttpMethod.Post, "/api/hpc/workers/w/credentials/rotate", """{"label":"second"}""");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, rotated);
        Assert.Equal(["list"], Scenario.Keys((await rotated.ReadJsonAsync()).GetProperty("_links")));
        var fresh = await rotated.ReadAsAsync<IssuedCredentialDto>();
        Assert.Equal(HttpStatusCode.Unauthorized, await ProbeAsync(f, "w", old.Secret));
        Assert.Equal(HttpStatusCode.OK, await ProbeAsync(f, "w", fresh.Secret));

        using var list = await ManagerAsync(f, HttpMethod.Get, "/api/hpc/workers/w/credentials");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, list);
        Assert.DoesNotContain("secret", await list.Content.ReadAsStringAsync());
        var items = (await list.ReadAsAsync<ItemList<CredentialDto>>()).Items;
        Assert.Equal([WorkerCredentialStatus.Active, WorkerCredentialStatus.Revoked], items.Select(c => c.Status));
        Assert.Equal("manager-", items[0].CreatedBy![..8]);
    }

    [Fact]
    public async Task Rotate_works_without_prior_credentials_and_list_of_unknown_worker_is_empty()
    {
        await using var f = await StartAsync();
        using var empty = await ManagerAsync(f, HttpMethod.Get, "/api/hpc/workers/nobody/credentials");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, empty);
        Assert.Equal(0, (await empty.ReadJsonAsync()).GetProperty("count").GetInt32());
        using var rotated = await ManagerAsync(f, HttpMethod.Post, "/api/hpc/workers/fresh/credentials/rotate");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, rotated);
    }

    [Fact]
    public async Task Expired_credentials_stop_working_and_are_listed_as_expired()
    {
        await using var f = await StartAsync();
        var now = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeZoneInfo.Local.GetUtcOffset(new DateTime(2026, 6, 1)));
        f.Server.SetClock(() => now);
        using var issued = await ManagerAsync(f, HttpMethod.Post, "/api/hpc/workers/w/credentials/issue", """{"expires_at":"2026-06-01 12:30:00"}""");
        var credential = await issued.ReadAsAsync<IssuedCredentialDto>();
        var at = now;
        var request = SignedRequests.Hmac(f.BaseUrl, HttpMethod.Get, "/api/hpc/jobs", new HmacCredential("w", credential.Secret), at: at);
        using (var ok = await f.SendAsync(request)) await HttpAssert.StatusAsync(HttpStatusCode.OK, ok);

        now = now.AddHours(1);
        var late = SignedRequests.Hmac(f.BaseUrl, HttpMethod.Get, "/api/hpc/jobs", new HmacCredential("w", credential.Secret), at: now);
        using (var refused = await f.SendAsync(late)) await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, refused, "No active credential");
        using var list = await ManagerAsync(f, HttpMethod.Get, "/api/hpc/workers/w/credentials");
        Assert.Equal(WorkerCredentialStatus.Expired, (await list.ReadAsAsync<ItemList<CredentialDto>>()).Items.Single().Status);
    }

    [Theory]
    [InlineData("""{"expires_at":"2026-06-01T12:00:00Z"}""")]
    [InlineData("""{"expires_at":"2026-06-01T12:00:00+02:00"}""")]
    [InlineData("""{"expires_at":"next week"}""")]
    [InlineData("""{"expires_at":12}""")]
    public async Task Issue_rejects_zoned_or_garbage_expiry(string json)
    {
        await using var f = await StartAsync();
        using var response = await ManagerAsync(f, HttpMethod.Post, "/api/hpc/workers/w/credentials/issue", json);
        await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, response, "expires_at must be an ISO-8601 datetime");
    }

    [Fact]
    public async Task Issue_without_credentials_key_is_503_and_stores_nothing()
    {
        await using var f = await StartAsync();
        f.Server.SetCredentialsKey(null);
        using var response = await ManagerAsync(f, HttpMethod.Post, "/api/hpc/workers/w/credentials/issue");
        await HttpAssert.ProblemAsync(HttpStatusCode.ServiceUnavailable, response, "MOLGENIS_HPC_CREDENTIALS_KEY must be set");
        Assert.Empty(f.Server.ListCredentials("w"));
        using var health = await f.Http.GetAsync(new Uri(f.BaseUrl, "/api/hpc/health"));
        Assert.False((await health.ReadJsonAsync()).GetProperty("credentials_key_configured").GetBoolean());
    }

    [Fact]
    public async Task Credential_routes_need_a_manager_user()
    {
        await using var f = await StartAsync();
        using var editor = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Post, "/api/hpc/workers/w/credentials/issue"));
        await HttpAssert.ProblemAsync(HttpStatusCode.Forbidden, editor, "Requires Manager privilege");
        using var worker = await f.SendAsync(f.AsWorker(HttpMethod.Post, "/api/hpc/workers/w/credentials/rotate", "{}"));
        await HttpAssert.ProblemAsync(HttpStatusCode.Forbidden, worker, "Worker principal");
    }
}
