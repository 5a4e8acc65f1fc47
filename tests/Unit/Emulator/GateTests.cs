using System.Net;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emulator;

/// <summary>Health and the request pipeline's order of checks (SERVER-SPEC §2, §4.4).</summary>
public class GateTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Health_needs_no_headers_and_reports_the_server_state()
    {
        using var response = await f.Http.GetAsync(new Uri(f.BaseUrl, "/api/hpc/health"));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        var body = await response.ReadJsonAsync();
        Assert.Equal(["status", "api_version", "hpc_enabled", "hpc_initialized", "worker_auth_mode", "credentials_key_configured", "database"],
            Scenario.Keys(body));
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal(ProtocolConstants.ApiVersion, body.GetProperty("api_version").GetString());
        Assert.True(body.GetProperty("hpc_enabled").GetBoolean());
        Assert.Equal("per-worker-hmac", body.GetProperty("worker_auth_mode").GetString());
        Assert.True(body.GetProperty("credentials_key_configured").GetBoolean());
        Assert.Equal("connected", body.GetProperty("database").GetString());
        Assert.NotNull(response.Header(ProtocolHeaders.TraceId));
    }

    [Theory]
    [InlineData(ProtocolHeaders.ApiVersion, null, "Missing required header X-EMX2-API-Version; expected 2025-01")]
    [InlineData(ProtocolHeaders.ApiVersion, "2024-12", "Unsupported API version '2024-12'; this server supports 2025-01. Update your daemon.")]
    [InlineData(ProtocolHeaders.RequestId, null, "Missing required header: X-Request-Id")]
    [InlineData(ProtocolHeaders.RequestId, "req-1", "Invalid X-Request-Id format: expected UUID")]
    [InlineData(ProtocolHeaders.Timestamp, null, "Missing required header: X-Timestamp")]
    [InlineData(ProtocolHeaders.Timestamp, "2026-01-01", "Invalid X-Timestamp format: expected unix epoch seconds")]
    [InlineData(ProtocolHeaders.Timestamp, "-1", "Invalid X-Timestamp format: expected unix epoch seconds")]
    public async Task Header_errors_are_400_without_instance_and_come_before_authentication(string header, string? value, string detail)
    {
        // No credentials at all: the header check must still win over the 401.
        var request = SignedRequests.Unsigned(f.BaseUrl, HttpMethod.Get, "/api/hpc/jobs");
        request.Headers.Remove(header);
        if (value is not null) request.Headers.Add(header, value);
        using var response = await f.SendAsync(request);
        var problem = await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, response);
        Assert.Equal(detail, problem.Detail);
        Assert.Equal("Bad Request", problem.Title);
        Assert.Null(problem.Instance);
    }

    [Fact]
    public async Task Timestamps_far_from_now_are_fine_for_token_users()
    {
        var request = SignedRequests.User(f.BaseUrl, HttpMethod.Get, "/api/hpc/jobs", EmulatorFixture.ViewerToken);
        request.Headers.Remove(ProtocolHeaders.Timestamp);
        request.Headers.Add(ProtocolHeaders.Timestamp, "1767225600"); // 2026-01-01, as the server's E2E tests send
        using var response = await f.SendAsync(request);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
    }

    [Fact]
    public async Task Unauthenticated_request_is_401_with_instance()
    {
        var request = SignedRequests.Unsigned(f.BaseUrl, HttpMethod.Get, "/api/hpc/jobs");
        var requestId = request.Headers.GetValues(ProtocolHeaders.RequestId).Single();
        using var response = await f.SendAsync(request);
        var problem = await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, response);
        Assert.Equal("Unauthorized", problem.Title);
        Assert.Equal("Missing authentication: provide Authorization (HMAC), x-molgenis-token, or sign in", problem.Detail);
        Assert.Equal($"urn:request:{requestId}", problem.Instance);
    }

    /// <summary>One route per endpoint family (workers, credentials, jobs, lifecycle, artifacts, files).</summary>
    public static TheoryData<string, string> FamilyRoutes() => new()
    {
        { "POST", "/api/hpc/workers/register" },
        { "POST", "/api/hpc/workers/w1/heartbeat" },
        { "GET", "/api/hpc/workers/w1/credentials" },
        { "POST", "/api/hpc/jobs" },
        { "GET", "/api/hpc/jobs/550e8400-e29b-41d4-a716-446655440000" },
        { "POST", "/api/hpc/jobs/550e8400-e29b-41d4-a716-446655440000/claim" },
        { "POST", "/api/hpc/artifacts" },
        { "GET", "/api/hpc/artifacts/550e8400-e29b-41d4-a716-446655440000/files" },
        { "PUT", "/api/hpc/artifacts/550e8400-e29b-41d4-a716-446655440000/files/x.bin" },
    };

    [Theory]
    [MemberData(nameof(FamilyRoutes))]
    public async Task Every_family_refuses_unauthenticated_requests(string method, string path)
    {
        using var response = await f.SendAsync(SignedRequests.Unsigned(f.BaseUrl, new HttpMethod(method), path, json: "{}"));
        await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, response, "Missing authentication");
    }

    [Fact]
    public async Task Unknown_token_is_401()
    {
        using var response = await f.SendAsync(f.AsUser("no-such-token", HttpMethod.Get, "/api/hpc/jobs"));
        await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, response, "JWT auth failed at /api/hpc/jobs");
    }

    [Fact]
    public async Task Bearer_authorization_is_401_and_never_falls_back_to_the_token()
    {
        var request = f.AsUser(EmulatorFixture.ManagerToken, HttpMethod.Get, "/api/hpc/jobs");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "abc");
        request.Headers.Add(ProtocolHeaders.WorkerId, "w");
        using var response = await f.SendAsync(request);
        await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, response, "HMAC-SHA256");
    }

    [Fact]
    public async Task Trace_id_is_echoed_or_generated()
    {
        var request = f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, "/api/hpc/jobs");
        request.Headers.Add(ProtocolHeaders.TraceId, "trace-abc");
        using var echoed = await f.SendAsync(request);
        Assert.Equal("trace-abc", echoed.Header(ProtocolHeaders.TraceId));
        using var generated = await f.SendAsync(SignedRequests.Unsigned(f.BaseUrl, HttpMethod.Get, "/api/hpc/jobs"));
        Assert.True(Guid.TryParse(generated.Header(ProtocolHeaders.TraceId), out _));
    }

    [Fact]
    public async Task Viewer_cannot_create_jobs()
    {
        using var response = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Post, "/api/hpc/jobs", """{"processor":"p"}"""));
        var problem = await HttpAssert.ProblemAsync(HttpStatusCode.Forbidden, response, "Requires Editor privilege on HPC resources");
        Assert.Equal("Forbidden", problem.Title);
    }

    [Fact]
    public async Task Editor_cannot_use_worker_endpoints()
    {
        var request = f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Post, "/api/hpc/workers/register", """{"worker_id":"x"}""");
        request.Headers.Add(ProtocolHeaders.WorkerId, "x");
        using var response = await f.SendAsync(request);
        await HttpAssert.ProblemAsync(HttpStatusCode.Forbidden, response, "Requires Manager privilege on HPC resources");
    }

    [Fact]
    public async Task Hmac_worker_cannot_manage_credentials()
    {
        using var response = await f.SendAsync(f.AsWorker(HttpMethod.Get, $"/api/hpc/workers/{EmulatorFixture.Worker.WorkerId}/credentials"));
        await HttpAssert.ProblemAsync(HttpStatusCode.Forbidden, response, "Worker principal is not allowed on credential-management endpoints");
    }

    [Fact]
    public async Task Privilege_is_checked_before_the_worker_id_header()
    {
        using var forbidden = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Post, "/api/hpc/workers/register", "{}"));
        await HttpAssert.ProblemAsync(HttpStatusCode.Forbidden, forbidden);
        using var missing = await f.SendAsync(f.AsUser(EmulatorFixture.ManagerToken, HttpMethod.Post, "/api/hpc/workers/register", "{}"));
        await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, missing, "Missing required header: X-Worker-Id");
    }

    [Fact]
    public async Task Unknown_route_is_404_after_authentication()
    {
        using var anonymous = await f.SendAsync(SignedRequests.Unsigned(f.BaseUrl, HttpMethod.Get, "/api/hpc/nothing-here"));
        await HttpAssert.ProblemAsync(HttpStatusCode.Unauthorized, anonymous);
        using var known = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, "/api/hpc/nothing-here"));
        await HttpAssert.ProblemAsync(HttpStatusCode.NotFound, known);
    }

    [Fact]
    public async Task Invalid_path_ids_are_400()
    {
        using var bad = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, "/api/hpc/jobs/not-a-uuid"));
        await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, bad, "id must be a valid UUID format");
        using var badArtifact = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, "/api/hpc/artifacts/xyz"));
        await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, badArtifact, "id must be a valid UUID format");
    }

    [Fact]
    public async Task Request_log_counts_requests_per_route()
    {
        var before = f.Server.RequestLog.Count("GET", "/api/hpc/jobs/{id}/transitions");
        for (var i = 0; i < 3; i++)
        {
            using var r = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, $"/api/hpc/jobs/{Guid.NewGuid()}/transitions"));
        }
        Assert.Equal(before + 3, f.Server.RequestLog.Count("GET", "/api/hpc/jobs/{id}/transitions"));
    }
}

/// <summary>--disabled: 503 everywhere but health, which keeps answering.</summary>
public class DisabledModeTests
{
    [Fact]
    public async Task Disabled_server_answers_503_but_health_200_and_can_be_enabled()
    {
        await using var f = await EmulatorFixture.StartAsync(o => o.Disabled = true);
        using (var health = await f.Http.GetAsync(new Uri(f.BaseUrl, "/api/hpc/health")))
        {
            await HttpAssert.StatusAsync(HttpStatusCode.OK, health);
            Assert.False((await health.ReadJsonAsync()).GetProperty("hpc_enabled").GetBoolean());
        }
        // 503 comes first: even a request without any protocol header gets it.
        using (var bare = await f.Http.GetAsync(new Uri(f.BaseUrl, "/api/hpc/jobs")))
        {
            var problem = await HttpAssert.ProblemAsync(HttpStatusCode.ServiceUnavailable, bare, "HPC is disabled");
            Assert.Equal("Service Unavailable", problem.Title);
        }
        using (var jobs = await f.SendAsync(f.AsUser(EmulatorFixture.ManagerToken, HttpMethod.Get, "/api/hpc/jobs")))
            await HttpAssert.ProblemAsync(HttpStatusCode.ServiceUnavailable, jobs);

        foreach (var route in GateTests.FamilyRoutes())
        {
            var (method, path) = ((string)route[0], (string)route[1]);
            using var refused = await f.SendAsync(f.AsUser(EmulatorFixture.ManagerToken, new HttpMethod(method), path, "{}"));
            await HttpAssert.ProblemAsync(HttpStatusCode.ServiceUnavailable, refused, "HPC is disabled");
        }

        f.Server.SetEnabled(true);
        using (var jobs = await f.SendAsync(f.AsUser(EmulatorFixture.ManagerToken, HttpMethod.Get, "/api/hpc/jobs")))
            await HttpAssert.StatusAsync(HttpStatusCode.OK, jobs);
        using var after = await f.Http.GetAsync(new Uri(f.BaseUrl, "/api/hpc/health"));
        var body = await after.ReadJsonAsync();
        Assert.True(body.GetProperty("hpc_enabled").GetBoolean());
        Assert.True(body.GetProperty("hpc_initialized").GetBoolean());
    }
}
