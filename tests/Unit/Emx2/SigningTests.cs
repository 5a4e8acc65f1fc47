using System.Net;
using System.Net.Sockets;
using System.Text;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Xunit;
using static Emx2Hpc.Tests.Unit.Emx2.ClientFixture;

namespace Emx2Hpc.Tests.Unit.Emx2;

public class SigningTests
{
    [Fact]
    public async Task Every_request_carries_protocol_headers_and_a_signature_the_server_accepts()
    {
        var (client, handler, clock) = Create();
        handler.ThenJson(200, JobJson());

        await client.GetJobAsync(JobId);

        var r = Assert.Single(handler.Requests);
        Assert.Equal("GET", r.Method);
        Assert.Equal($"/api/hpc/jobs/{JobId}", r.PathAndQuery);
        Assert.Equal("2025-01", r.Header("X-EMX2-API-Version"));
        Assert.True(Guid.TryParseExact(r.Header("X-Request-Id"), "D", out _));
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds().ToString(), r.Header("X-Timestamp"));
        Assert.Equal("1773225000", r.Header("X-Timestamp"));
        Assert.Equal(WorkerId, r.Header("X-Worker-Id"));
        Assert.Matches("^[0-9a-f]{32}$", r.Header("X-Nonce"));
        Assert.Matches("^HMAC-SHA256 [0-9a-f]{64}$", r.Header("Authorization"));
        Assert.Null(r.Header("x-molgenis-token"));
        Assert.Empty(r.Body);
        AssertSignedByServerRules(r);
    }

    [Fact]
    public async Task Json_body_is_signed_over_the_exact_bytes_sent_with_plain_application_json()
    {
        var (client, handler, _) = Create();
        handler.ThenJson(200, JobJson(status: "STARTED", workerId: WorkerId));

        await client.TransitionAsync(JobId, new TransitionRequest { Status = "STARTED", Detail = "Slurm RUNNING", Progress = 0.5 });

        var r = Assert.Single(handler.Requests);
        Assert.Equal("application/json", r.Header("Content-Type"));
        Assert.Equal("""{"status":"STARTED","worker_id":"worker-1","detail":"Slurm RUNNING","progress":0.5}""", r.BodyText);
        Assert.Null(r.Header("Content-SHA256"));
        AssertSignedByServerRules(r);
        // A signature over any other body must not verify: the check above is not vacuous.
        var tampered = r with { Body = Utf8(r.BodyText.Replace("0.5", "0.6")) };
        Assert.ThrowsAny<Exception>(() => AssertSignedByServerRules(tampered));
    }

    [Fact]
    public async Task Encoded_file_path_with_base_url_prefix_is_signed_exactly_as_sent()
    {
        var (client, handler, _) = Create(c => Options(c, baseUrl: "https://host.example/emx2/"));
        handler.Then(_ => new HttpResponseMessage(HttpStatusCode.OK));

        await client.HeadFileAsync(ArtifactId, "dir one/100%#+é&x=y.txt");

        var r = Assert.Single(handler.Requests);
        Assert.Equal($"/emx2/api/hpc/artifacts/{ArtifactId}/files/dir%20one/100%25%23%2B%C3%A9%26x%3Dy.txt", r.PathAndQuery);
        Assert.Equal("HEAD", r.Method);
        AssertSignedByServerRules(r);
    }

    [Fact]
    public async Task Query_values_are_escaped_and_signed_with_the_query()
    {
        var (client, handler, _) = Create(c => Options(c, baseUrl: "https://host.example/emx2"));
        handler.ThenJson(200, """{"items":[],"count":0,"total_count":0,"limit":10,"offset":0}""");

        await client.ListJobsPageAsync(new JobQuery { Status = "PENDING", Processor = "text embed&v3", Profile = "gpu+1/ü", Limit = 10, Offset = 0 });

        var r = Assert.Single(handler.Requests);
        Assert.Equal("/emx2/api/hpc/jobs?status=PENDING&processor=text%20embed%26v3&profile=gpu%2B1%2F%C3%BC&limit=10&offset=0", r.PathAndQuery);
        AssertSignedByServerRules(r);
    }

    [Theory]
    [InlineData("a/../b")]
    [InlineData("./a")]
    [InlineData("a//b")]
    [InlineData("/abs")]
    public async Task File_paths_that_uri_normalisation_would_rewrite_are_refused_before_sending(string path)
    {
        var (client, handler, _) = Create();
        await Assert.ThrowsAsync<ArgumentException>(() => client.HeadFileAsync(ArtifactId, path));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Signed_target_equals_the_request_line_on_the_wire()
    {
        // A real socket and the client's own SocketsHttpHandler: proves HttpClient writes the string we signed.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serverTask = Task.Run(async () =>
        {
            using var socket = await listener.AcceptTcpClientAsync();
            var stream = socket.GetStream();
            var head = new StringBuilder();
            var buffer = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer) == 1)
                head.Append((char)buffer[0]);
            const string body = """{"items":[],"count":0,"total_count":0,"limit":100,"offset":0}""";
            var response = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
            return head.ToString();
        });

        var clock = new TestClock();
        using var client = new Emx2Client(Options(clock, baseUrl: $"http://127.0.0.1:{port}/emx2/"));
        await client.ListArtifactFilesPageAsync(ArtifactId, prefix: "out dir/ä#1", limit: 100, offset: 0);

        var raw = await serverTask;
        var lines = raw.Split("\r\n");
        var target = lines[0].Split(' ')[1];
        Assert.Equal($"/emx2/api/hpc/artifacts/{ArtifactId}/files?prefix=out%20dir%2F%C3%A4%231&limit=100&offset=0", target);
        var headers = lines.Skip(1).Where(l => l.Contains(':'))
            .ToDictionary(l => l[..l.IndexOf(':')], l => l[(l.IndexOf(':') + 1)..].Trim(), StringComparer.OrdinalIgnoreCase);
        var expected = HmacSigner.Sign(Secret, "GET", target, BodyHash.Empty, headers["X-Timestamp"], headers["X-Nonce"]);
        Assert.Equal("HMAC-SHA256 " + expected, headers["Authorization"]);
    }

    [Fact]
    public async Task Token_mode_sends_the_token_and_no_signature()
    {
        var (client, handler, _) = Create(c => Options(c, mode: Emx2AuthMode.Token));
        handler.ThenJson(201, """{"id":"7d3c0a4e-0000-4000-8000-000000000001","status":"PENDING"}""");

        var created = await client.CreateJobAsync(new CreateJobRequest { Processor = "embed", Profile = "gpu" });

        Assert.Equal("7d3c0a4e-0000-4000-8000-000000000001", created.Id);
        var r = Assert.Single(handler.Requests);
        Assert.Equal(Secret, r.Header("x-molgenis-token"));
        Assert.Null(r.Header("Authorization"));
        Assert.Null(r.Header("X-Nonce"));
        Assert.Equal("2025-01", r.Header("X-EMX2-API-Version"));
        Assert.NotNull(r.Header("X-Timestamp"));
        Assert.Equal("""{"processor":"embed","profile":"gpu"}""", r.BodyText);
    }

    [Fact]
    public async Task None_mode_sends_no_credentials()
    {
        // An hour-long timeout, as ClientFixture.Options sets: TestClock fires shorter timers at once.
        var (client, handler, _) = Create(c => new Emx2ClientOptions { BaseUrl = new Uri("https://emx2.test"), AuthMode = Emx2AuthMode.None, Clock = c, RequestTimeout = TimeSpan.FromHours(1) });
        handler.ThenJson(200, """{"status":"ok","api_version":"2025-01","hpc_enabled":true,"database":"connected"}""");

        var health = await client.HealthAsync();

        Assert.Equal("ok", health.Status);
        var r = Assert.Single(handler.Requests);
        Assert.Equal("/api/hpc/health", r.PathAndQuery);
        Assert.Null(r.Header("Authorization"));
        Assert.Null(r.Header("x-molgenis-token"));
        Assert.Null(r.Header("X-Worker-Id"));
    }

    [Fact]
    public async Task Debug_log_names_method_path_status_and_request_id_but_never_the_secret_or_signature()
    {
        var sink = new MemoryLogSink();
        var (client, handler, _) = Create(log: new HpcLog(sink, "test", LogLevel.Debug));
        handler.ThenProblem(503, "Service Unavailable", "HPC is disabled").ThenJson(200, JobJson());

        await client.GetJobAsync(JobId);

        var requests = handler.Requests;
        var text = string.Join("\n", sink.Events.Select(e => e.Message + " " + string.Join(",", e.Fields.Select(f => $"{f.Key}={f.Value}"))));
        Assert.Contains($"GET /api/hpc/jobs/{JobId} → 200", text);
        Assert.Contains($"request_id={requests[1].Header("X-Request-Id")}", text);
        Assert.Contains("status=503", text);
        Assert.DoesNotContain(Secret, text);
        foreach (var r in requests) Assert.DoesNotContain(r.Header("Authorization")!["HMAC-SHA256 ".Length..], text);
        Assert.Contains(sink.Events, e => e.Level == LogLevel.Warning && e.Message.Contains("retry 2/4"));
    }

    [Fact]
    public void Options_refuse_hmac_without_secret_or_worker_and_never_print_the_secret()
    {
        Assert.Throws<ArgumentException>(() => new Emx2Client(new Emx2ClientOptions { BaseUrl = new Uri("https://x"), WorkerId = "w" }));
        Assert.Throws<ArgumentException>(() => new Emx2Client(new Emx2ClientOptions { BaseUrl = new Uri("https://x"), Secret = Secret }));
        Assert.Throws<ArgumentException>(() => new Emx2Client(new Emx2ClientOptions { BaseUrl = new Uri("ftp://x"), WorkerId = "w", Secret = Secret }));
        var options = Options(new TestClock());
        Assert.DoesNotContain(Secret, options.ToString());
        Assert.Contains("Secret = ***", options.ToString());
    }
}
