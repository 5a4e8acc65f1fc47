using System.Net;
using System.Net.Sockets;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol.Dtos;
using Xunit;
using static Emx2Hpc.Tests.Unit.Emx2.ClientFixture;

namespace Emx2Hpc.Tests.Unit.Emx2;

public class RetryTests
{
    private static HttpRequestException Refused() =>
        new(HttpRequestError.ConnectionError, "Connection refused (emx2.test:443)", new SocketException((int)SocketError.ConnectionRefused));

    [Fact]
    public async Task Transient_failures_are_retried_with_jittered_exponential_backoff_and_fresh_headers()
    {
        var (client, handler, clock) = Create();
        handler.ThenProblem(503, "Service Unavailable", "HPC is disabled")
               .ThenThrow(new HttpRequestException("reset", new IOException("Connection reset by peer")))
               .ThenProblem(500, "Internal Server Error", "boom")
               .ThenJson(200, JobJson());

        var job = await client.GetJobAsync(JobId);

        Assert.Equal(JobId, job.Id);
        var requests = handler.Requests;
        Assert.Equal(4, requests.Count);
        // jitter 0.5 × min(10 s, 0.5 s × 2^(n−1)) for n = 1, 2, 3
        Assert.Equal([TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1)], clock.Fired);
        Assert.Equal(4, requests.Select(r => r.Header("X-Request-Id")).Distinct().Count());
        Assert.Equal(4, requests.Select(r => r.Header("X-Nonce")).Distinct().Count());
        // The clock advanced during backoff, so later attempts carry later timestamps.
        Assert.Equal(["1773225000", "1773225000", "1773225000", "1773225001"], requests.Select(r => r.Header("X-Timestamp")!).ToArray());
        foreach (var r in requests) AssertSignedByServerRules(r);
    }

    [Fact]
    public void Backoff_doubles_up_to_the_cap_and_scales_with_jitter()
    {
        var options = Options(new TestClock(), jitter: 1.0);
        var policy = new RetryPolicy(options);
        Assert.Equal([0.5, 1, 2, 4, 8, 10, 10], Enumerable.Range(1, 7).Select(n => policy.Backoff(n, null).TotalSeconds).ToArray());
        var zero = new RetryPolicy(Options(new TestClock(), jitter: 0.0));
        Assert.Equal(TimeSpan.Zero, zero.Backoff(3, null));
        Assert.Equal(TimeSpan.FromSeconds(60), policy.Backoff(1, TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public async Task Retry_after_from_the_server_replaces_the_computed_backoff()
    {
        var (client, handler, clock) = Create();
        handler.ThenJson(429, """{"title":"Too Many Requests","status":429}""", r => r.Headers.RetryAfter = new(TimeSpan.FromSeconds(3)))
               .ThenJson(200, """{"worker_id":"worker-1","status":"ok"}""");

        var hb = await client.HeartbeatAsync();

        Assert.Equal("ok", hb.Status);
        Assert.Equal([TimeSpan.FromSeconds(3)], clock.Fired);
        Assert.All(handler.Requests, r => Assert.Equal($"/api/hpc/workers/{WorkerId}/heartbeat", r.PathAndQuery));
    }

    [Theory]
    [InlineData(400, typeof(Emx2BadRequestException))]
    [InlineData(401, typeof(Emx2AuthenticationException))]
    [InlineData(403, typeof(Emx2ForbiddenException))]
    [InlineData(404, typeof(Emx2NotFoundException))]
    [InlineData(409, typeof(Emx2ConflictException))]
    [InlineData(413, typeof(Emx2PayloadTooLargeException))]
    public async Task Client_errors_are_never_retried(int status, Type expected)
    {
        var (client, handler, clock) = Create();
        handler.ThenProblem(status, "X", "server says no").ThenJson(200, JobJson(status: "STARTED"));

        var ex = await Assert.ThrowsAnyAsync<Emx2ApiException>(() =>
            client.TransitionAsync(JobId, new TransitionRequest { Status = "STARTED" }));

        Assert.IsType(expected, ex);
        Assert.Equal(status, ex.Status);
        Assert.Equal("server says no", ex.Detail);
        Assert.Single(handler.Requests);
        Assert.Empty(clock.Fired);
    }

    [Fact]
    public async Task Exhausted_retries_raise_unavailable_naming_the_base_url()
    {
        var (client, handler, clock) = Create();
        for (var i = 0; i < 4; i++) handler.ThenProblem(502, "Bad Gateway", "upstream down");

        var ex = await Assert.ThrowsAsync<Emx2UnavailableException>(() => client.GetArtifactAsync(ArtifactId));

        Assert.Equal(4, handler.Requests.Count);
        Assert.Equal(3, clock.Fired.Count);
        Assert.Equal(502, ex.Status);
        Assert.Equal($"GET /api/hpc/artifacts/{ArtifactId} → 502 Bad Gateway: upstream down (EMX2 at https://emx2.test/ answered 502 on attempt 4)", ex.Message);
        Assert.Equal(handler.Requests[3].Header("X-Request-Id"), ex.RequestId);
    }

    [Fact]
    public async Task Create_artifact_is_retried_only_when_the_connection_was_refused()
    {
        var (client, handler, _) = Create();
        handler.ThenThrow(Refused())
               .ThenJson(201, $$"""{"id":"{{ArtifactId}}","name":"out","type":"blob","status":"CREATED"}""");

        var created = await client.CreateArtifactAsync(new CreateArtifactRequest { Name = "out", Type = "blob", Residence = "managed" });

        Assert.Equal(ArtifactId, created.Id);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task A_connect_timeout_counts_as_unsent_and_is_retried_even_for_creates()
    {
        var (client, handler, _) = Create();
        // What SocketsHttpHandler raises when ConnectTimeout elapses: nothing was written yet.
        handler.ThenThrow(new TaskCanceledException("The connection attempt timed out.", new TimeoutException("connect")))
               .ThenJson(201, """{"id":"7d3c0a4e-0000-4000-8000-000000000001","status":"PENDING"}""");

        var created = await client.CreateJobAsync(new CreateJobRequest { Processor = "embed" });

        Assert.Equal("PENDING", created.Status);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Create_artifact_is_not_repeated_after_a_5xx_or_a_lost_response()
    {
        var (client, handler, _) = Create();
        handler.ThenProblem(503, "Service Unavailable", "busy");
        var ex = await Assert.ThrowsAsync<Emx2UnavailableException>(() => client.CreateArtifactAsync(new CreateArtifactRequest { Name = "out" }));
        Assert.True(ex.MayHaveReachedServer);
        Assert.Single(handler.Requests);

        var (client2, handler2, _) = Create();
        handler2.ThenThrow(new HttpRequestException("The response ended prematurely."));
        var ex2 = await Assert.ThrowsAsync<Emx2UnavailableException>(() => client2.CreateArtifactAsync(new CreateArtifactRequest { Name = "out" }));
        Assert.True(ex2.MayHaveReachedServer);
        Assert.Contains("not retried because the request may already have reached the server", ex2.Message);
        Assert.Single(handler2.Requests);
    }

    [Fact]
    public async Task Transition_is_retried_after_a_lost_response_with_an_identical_body()
    {
        var (client, handler, _) = Create();
        handler.ThenThrow(new HttpRequestException("reset", new IOException("Connection reset by peer")))
               .ThenJson(200, JobJson(status: "SUBMITTED", workerId: WorkerId));

        var job = await client.TransitionAsync(JobId, new TransitionRequest { Status = "SUBMITTED", SlurmJobId = "42", Detail = "Slurm job 42" });

        Assert.Equal("SUBMITTED", job.Status);
        var requests = handler.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].BodyText, requests[1].BodyText);
        Assert.Equal("""{"status":"SUBMITTED","worker_id":"worker-1","detail":"Slurm job 42","slurm_job_id":"42"}""", requests[1].BodyText);
    }

    [Fact]
    public async Task Hanging_requests_time_out_per_attempt()
    {
        var (client, handler, _) = Create(c => new Emx2ClientOptions
        {
            BaseUrl = new Uri("https://emx2.test/"), WorkerId = WorkerId, Secret = Secret, Clock = c, Jitter = () => 0,
            RequestTimeout = TimeSpan.FromSeconds(5), MaxAttempts = 2,
        });
        handler.ThenHang().ThenHang();

        var ex = await Assert.ThrowsAsync<Emx2UnavailableException>(() => client.GetJobAsync(JobId));

        Assert.Equal(2, handler.Requests.Count);
        Assert.Null(ex.Status);
        Assert.Equal($"GET /api/hpc/jobs/{JobId} → no response: no response within 5 s (EMX2 at https://emx2.test/ unreachable after 2 attempt(s))", ex.Message);
    }

    [Fact]
    public async Task A_real_refused_connection_is_reported_with_the_base_url()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var clock = new TestClock();
        using var client = new Emx2Client(Options(clock, baseUrl: $"http://127.0.0.1:{port}/", maxAttempts: 2));

        var ex = await Assert.ThrowsAsync<Emx2UnavailableException>(() => client.HeartbeatAsync());

        Assert.False(ex.MayHaveReachedServer);
        Assert.Contains("connection refused", ex.Message);
        Assert.Contains($"EMX2 at http://127.0.0.1:{port}/ unreachable after 2 attempt(s)", ex.Message);
        Assert.Single(clock.Fired);
    }

    [Fact]
    public async Task Delete_that_meets_404_after_an_unconfirmed_attempt_is_done_but_a_plain_404_is_not()
    {
        var (client, handler, _) = Create();
        handler.ThenThrow(new HttpRequestException("The response ended prematurely.", new IOException("EOF")))
               .ThenProblem(404, "Not Found", $"Job {JobId} not found");
        await client.DeleteJobAsync(JobId);
        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal("DELETE", r.Method));

        var (client2, handler2, _) = Create();
        handler2.ThenProblem(404, "Not Found", $"Job {JobId} not found");
        var ex = await Assert.ThrowsAsync<Emx2NotFoundException>(() => client2.DeleteJobAsync(JobId));
        Assert.False(ex.AfterUnconfirmedAttempt);
    }

    [Fact]
    public async Task A_file_that_shrinks_during_upload_is_a_local_error_and_not_retried()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, new byte[100_000]);
            var sha = Hex(System.Security.Cryptography.SHA256.HashData(new byte[100_000]));
            var (client, handler, clock) = Create();
            var sends = 0;
            // Truncate between the client's size check and the content being streamed.
            handler.BeforeBody = _ => { sends++; File.WriteAllBytes(path, new byte[10]); };

            var ex = await Assert.ThrowsAsync<IOException>(() => client.UploadFileAsync(ArtifactId, "a.bin", path, sha, 100_000));

            Assert.Contains("ended after 10 of 100000 bytes; it changed after it was hashed", ex.Message);
            Assert.Equal(1, sends);
            Assert.Empty(clock.Fired);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
