using System.Net;
using Emx2Hpc.Core.Emx2;
using Xunit;
using static Emx2Hpc.Tests.Unit.Emx2.ClientFixture;

namespace Emx2Hpc.Tests.Unit.Emx2;

public class ErrorTests
{
    [Fact]
    public async Task Problem_detail_becomes_a_typed_exception_with_request_context()
    {
        var (client, handler, _) = Create();
        handler.ThenProblem(404, "Not Found", $"Job {JobId} not found");

        var ex = await Assert.ThrowsAsync<Emx2NotFoundException>(() => client.GetJobAsync(JobId));

        Assert.Equal($"GET /api/hpc/jobs/{JobId} → 404 Not Found: Job {JobId} not found", ex.Message);
        Assert.Equal("GET", ex.Method);
        Assert.Equal($"/api/hpc/jobs/{JobId}", ex.Path);
        Assert.Equal("Not Found", ex.Title);
        Assert.Equal(handler.Requests[0].Header("X-Request-Id"), ex.RequestId);
    }

    [Fact]
    public async Task Unauthorized_with_a_server_clock_ten_minutes_behind_explains_the_skew()
    {
        var (client, handler, clock) = Create();
        handler.Then(_ =>
        {
            var r = ScriptedHandler.Problem(401, "Unauthorized", "HMAC auth failed at /api/hpc/workers/worker-1/heartbeat: Timestamp outside allowed window");
            r.Headers.Date = clock.GetUtcNow() - TimeSpan.FromMinutes(10);
            return r;
        });

        var ex = await Assert.ThrowsAsync<Emx2AuthenticationException>(() => client.HeartbeatAsync());

        Assert.Equal(TimeSpan.FromMinutes(-10), ex.ClockSkew);
        Assert.Equal("POST /api/hpc/workers/worker-1/heartbeat → 401 Unauthorized: HMAC auth failed at /api/hpc/workers/worker-1/heartbeat: " +
                     "Timestamp outside allowed window (local clock is 600 s ahead of the server; HMAC allows ±300 s — fix NTP/chrony)", ex.Message);
        Assert.Single(handler.Requests);
        Assert.Equal(TimeSpan.FromMinutes(-10), client.ServerClock.Skew);
    }

    [Fact]
    public async Task Unauthorized_with_a_synchronised_clock_has_no_skew_hint()
    {
        var (client, handler, clock) = Create();
        handler.Then(_ =>
        {
            var r = ScriptedHandler.Problem(401, "Unauthorized", "No active credential for worker worker-1");
            r.Headers.Date = clock.GetUtcNow() + TimeSpan.FromSeconds(20);
            return r;
        });

        var ex = await Assert.ThrowsAsync<Emx2AuthenticationException>(() => client.HeartbeatAsync());

        Assert.Equal(TimeSpan.FromSeconds(20), ex.ClockSkew);
        Assert.EndsWith("No active credential for worker worker-1", ex.Message);
    }

    [Fact]
    public async Task Forbidden_says_the_role_is_missing()
    {
        var (client, handler, _) = Create();
        handler.ThenProblem(403, "Forbidden", "Worker principal is not allowed on credential-management endpoints");

        var ex = await Assert.ThrowsAsync<Emx2ForbiddenException>(() => client.ListCredentialsAsync(WorkerId));

        Assert.Equal("GET /api/hpc/workers/worker-1/credentials → 403 Forbidden: Worker principal is not allowed on credential-management endpoints " +
                     "(worker/token lacks the required role)", ex.Message);
    }

    [Fact]
    public async Task Malformed_json_in_a_success_response_is_a_protocol_error()
    {
        var (client, handler, _) = Create();
        handler.ThenJson(200, """{"id": "abc", "status": """);

        var ex = await Assert.ThrowsAsync<Emx2ProtocolException>(() => client.GetJobAsync(JobId));

        Assert.Equal(200, ex.Status);
        Assert.Contains("""body starts: {"id": "abc", "status":""", ex.Message);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Success_body_missing_required_fields_is_a_protocol_error()
    {
        var (client, handler, _) = Create();
        handler.ThenJson(200, """{"hello":"world"}""");

        var ex = await Assert.ThrowsAsync<Emx2ProtocolException>(() => client.GetJobAsync(JobId));

        Assert.Contains("job without id or status", ex.Message);
    }

    [Fact]
    public async Task Html_error_pages_still_give_a_typed_exception_with_a_short_sanitised_snippet()
    {
        var html = "<html>\n<head><title>404 Not Found</title></head>\n<body>\n<center><h1>404 Not Found</h1></center>\n<hr><center>nginx/1.24.0</center>\n"
                   + new string('x', 1000) + "</body></html>";
        var (client, handler, _) = Create();
        handler.Then(_ => ScriptedHandler.Text(404, html));

        var ex = await Assert.ThrowsAsync<Emx2NotFoundException>(() => client.GetArtifactAsync(ArtifactId));

        Assert.StartsWith("404 Not Found 404 Not Found nginx/1.24.0 xxxx", ex.Detail);
        Assert.Equal(201, ex.Detail!.Length); // 200 characters and an ellipsis
        Assert.DoesNotContain("<", ex.Detail);
    }

    [Fact]
    public async Task Html_bad_gateway_is_retried_then_reported_as_unavailable()
    {
        var (client, handler, _) = Create(c => Options(c, maxAttempts: 2));
        handler.Then(_ => ScriptedHandler.Text(502, "<html><body><h1>502 Bad Gateway</h1></body></html>"))
               .Then(_ => ScriptedHandler.Text(502, "<html><body><h1>502 Bad Gateway</h1></body></html>"));

        var ex = await Assert.ThrowsAsync<Emx2UnavailableException>(() => client.GetJobAsync(JobId));

        Assert.Equal(502, ex.Status);
        Assert.Equal("502 Bad Gateway", ex.Detail);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Non_json_conflict_body_is_kept_as_detail()
    {
        var (client, handler, _) = Create();
        handler.Then(_ => ScriptedHandler.Text(409, "Cannot transition job x from COMPLETED to FAILED", "text/plain"));

        var ex = await Assert.ThrowsAsync<Emx2ConflictException>(() =>
            client.CompleteAsync(JobId, new Core.Protocol.Dtos.TransitionRequest { Status = "FAILED" }));

        Assert.Equal("Cannot transition job x from COMPLETED to FAILED", ex.Detail);
        Assert.Equal("Conflict", ex.Title);
    }

    [Fact]
    public async Task Unexpected_redirect_points_at_the_base_url()
    {
        var (client, handler, _) = Create();
        handler.Then(_ =>
        {
            var r = new HttpResponseMessage(HttpStatusCode.MovedPermanently);
            r.Headers.Location = new Uri("https://emx2.test/api/hpc/jobs");
            return r;
        });

        var ex = await Assert.ThrowsAsync<Emx2ProtocolException>(() => client.ListJobsPageAsync(new JobQuery()));

        Assert.Contains("EMX2 redirected to https://emx2.test/api/hpc/jobs; redirects are not followed — check the base URL", ex.Message);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_secret_echoed_by_the_server_is_redacted()
    {
        var (client, handler, _) = Create();
        handler.ThenProblem(400, "Bad Request", $"bad header {Secret}");

        var ex = await Assert.ThrowsAsync<Emx2BadRequestException>(() => client.GetJobAsync(JobId));

        Assert.DoesNotContain(Secret, ex.Message);
        Assert.Equal("bad header ***", ex.Detail);
    }

    [Fact]
    public async Task Caller_cancellation_stops_a_request_in_flight_without_retrying()
    {
        var (client, handler, clock) = Create();
        handler.ThenHang();
        using var cts = new CancellationTokenSource();
        var call = client.GetJobAsync(JobId, cts.Token);
        while (handler.Requests.Count == 0) await Task.Delay(5);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        Assert.Single(handler.Requests);
        Assert.Empty(clock.Fired);
    }

    [Fact]
    public async Task Caller_cancellation_is_honoured_before_sending()
    {
        var (client, handler, _) = Create();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetJobAsync(JobId, cancelled.Token));

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Caller_cancellation_ends_a_backoff_wait()
    {
        // A two-minute backoff never fires on the test clock, so the call is parked in its backoff wait.
        var (client, handler, _) = Create(c => new Emx2ClientOptions
        {
            BaseUrl = new Uri("https://emx2.test/"), WorkerId = WorkerId, Secret = Secret, Clock = c, Jitter = () => 1,
            BackoffBase = TimeSpan.FromMinutes(2), BackoffMax = TimeSpan.FromMinutes(2), RequestTimeout = TimeSpan.FromHours(1),
        });
        handler.ThenProblem(503, "Service Unavailable", "x");
        using var cts = new CancellationTokenSource();
        var call = client.GetJobAsync(JobId, cts.Token);
        while (handler.Requests.Count == 0) await Task.Delay(5);
        await Task.Delay(50);
        Assert.False(call.IsCompleted);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Token_mode_unauthorized_has_no_hmac_clock_hint()
    {
        var (client, handler, clock) = Create(c => Options(c, mode: Emx2AuthMode.Token));
        handler.Then(_ =>
        {
            var r = ScriptedHandler.Problem(401, "Unauthorized", "JWT auth failed at /api/hpc/jobs: Invalid token or token expired");
            r.Headers.Date = clock.GetUtcNow() + TimeSpan.FromMinutes(10);
            return r;
        });

        var ex = await Assert.ThrowsAsync<Emx2AuthenticationException>(() => client.ListJobsPageAsync(new JobQuery()));

        Assert.Equal(TimeSpan.FromMinutes(10), ex.ClockSkew);
        Assert.DoesNotContain("HMAC allows", ex.Message);
    }
}

public class SkewHintTests
{
    [Theory]
    [InlineData(-412, "local clock is 412 s ahead of the server; HMAC allows ±300 s — fix NTP/chrony")]
    [InlineData(75, "local clock is 75 s behind the server; HMAC allows ±300 s — fix NTP/chrony")]
    [InlineData(60, null)]
    [InlineData(-3, null)]
    public void Hint_states_direction_and_size_beyond_a_minute(int seconds, string? expected) =>
        Assert.Equal(expected, Emx2AuthenticationException.SkewHint(TimeSpan.FromSeconds(seconds)));
}
