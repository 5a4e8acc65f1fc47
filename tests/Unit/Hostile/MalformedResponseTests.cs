using System.Net;
using System.Net.Sockets;
using System.Text;
using Emx2Hpc.Core.Emx2;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>What a broken proxy, a wrong base URL or a compromised EMX2 can answer. The client must turn every
/// one into a typed exception whose message names the request and stays short, never crash with a raw
/// JsonException/NullReferenceException, and never buffer an unbounded error body into a message.</summary>
[Collection(HostileCollection.Name)]
public sealed class MalformedResponseTests
{
    private const string Area = "malformed EMX2 responses";

    /// <param name="Status">HTTP status of the stub answer.</param>
    /// <param name="Body">Body bytes.</param>
    /// <param name="ContentType">Content-Type header.</param>
    /// <param name="Call">Which client call to make: "list" (GET /jobs), "job" (GET /jobs/{id}), "claim".</param>
    /// <param name="Expected">Exception type the client must raise.</param>
    /// <param name="Mentions">Fragment the message must contain.</param>
    internal sealed record Case(int Status, byte[] Body, string ContentType, string Call, Type Expected, string Mentions);

    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    private static readonly byte[] Garbage = Enumerable.Range(0, 2048).Select(i => (byte)(i * 131 % 256)).ToArray();
    private static readonly byte[] TenMegabytes = Encoding.UTF8.GetBytes("{\"title\":\"Bad Request\",\"detail\":\"" + new string('d', 10_000_000) + "\"}");

    internal static readonly IReadOnlyDictionary<string, Case> Cases = new Dictionary<string, Case>
    {
        ["HTML login page with 200"] = new(200, U("<!DOCTYPE html><html><body><form>Sign in</form></body></html>"), "text/html", "list",
            typeof(Emx2ProtocolException), "invalid response body"),
        ["truncated JSON"] = new(200, U("""{"items":[{"id":"0f8fad5b-d9cb-469f-a165-70867728950e","status":"PEN"""), "application/json", "list",
            typeof(Emx2ProtocolException), "invalid response body"),
        ["200 with binary garbage"] = new(200, Garbage, "application/json", "list", typeof(Emx2ProtocolException), "invalid response body"),
        ["200 with 10 MB of garbage"] = new(200, Enumerable.Repeat((byte)'<', 10_000_000).ToArray(), "application/json", "list",
            typeof(Emx2ProtocolException), "invalid response body"),
        ["200 with an empty body"] = new(200, [], "application/json", "job", typeof(Emx2ProtocolException), "empty body"),
        ["200 with JSON null"] = new(200, U("null"), "application/json", "job", typeof(Emx2ProtocolException), "empty body"),
        ["array where an object belongs"] = new(200, U("[1,2,3]"), "application/json", "job", typeof(Emx2ProtocolException), "invalid response body"),
        ["job list item with a numeric id"] = new(200, U("""{"items":[{"id":5,"status":"PENDING"}],"count":1,"total_count":1,"limit":100,"offset":0}"""),
            "application/json", "list", typeof(Emx2ProtocolException), "invalid response body"),
        ["job list item with an object status"] = new(200, U("""{"items":[{"id":"x","status":{"a":1}}],"count":1}"""),
            "application/json", "list", typeof(Emx2ProtocolException), "invalid response body"),
        ["job list with a null item"] = new(200, U("""{"items":[null],"count":1,"total_count":1,"limit":100,"offset":0}"""),
            "application/json", "list", typeof(Emx2ProtocolException), "job list with an invalid item"),
        ["job list item without id"] = new(200, U("""{"items":[{"status":"PENDING"}],"count":1,"total_count":1,"limit":100,"offset":0}"""),
            "application/json", "list", typeof(Emx2ProtocolException), "job list with an invalid item"),
        ["items is a string"] = new(200, U("""{"items":"all of them","count":1}"""), "application/json", "list",
            typeof(Emx2ProtocolException), "invalid response body"),
        ["timeout_seconds is text"] = new(200, U("""{"id":"0f8fad5b-d9cb-469f-a165-70867728950e","status":"PENDING","timeout_seconds":"soon"}"""),
            "application/json", "job", typeof(Emx2ProtocolException), "invalid response body"),
        ["problem body with a 10 MB detail"] = new(400, TenMegabytes, "application/problem+json", "job", typeof(Emx2BadRequestException), "400"),
        ["HTML 502 from a proxy"] = new(502, U("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"), "text/html", "job",
            typeof(Emx2UnavailableException), "502"),
        ["non-JSON 409"] = new(409, U("conflict, try later"), "text/plain", "claim", typeof(Emx2ConflictException), "409"),
        ["problem JSON of the wrong shape"] = new(404, U("""{"detail":{"nested":["x"]},"title":12}"""), "application/problem+json", "job",
            typeof(Emx2NotFoundException), "404"),
        ["redirect to a login page"] = new(302, [], "text/html", "job", typeof(Emx2ProtocolException), "redirect"),
        ["unexpected 418"] = new(418, U("<h1>teapot</h1>"), "text/html", "job", typeof(Emx2ProtocolException), "418"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    private static Emx2Client Client(HttpMessageHandler handler, Uri? baseUrl = null) => new(new Emx2ClientOptions
    {
        BaseUrl = baseUrl ?? new Uri("http://emx2.invalid/"),
        WorkerId = "hostile-worker",
        Secret = "hostile-secret-0123456789abcdefghijklmnopqrstu",
        MaxAttempts = 2,
        BackoffBase = TimeSpan.Zero,
        BackoffMax = TimeSpan.Zero,
        RequestTimeout = TimeSpan.FromSeconds(5),
    }, handler: handler);

    private static Task Call(Emx2Client client, string call) => call switch
    {
        "list" => client.ListJobsPageAsync(new JobQuery { Status = "PENDING" }),
        "job" => client.GetJobAsync("0f8fad5b-d9cb-469f-a165-70867728950e"),
        "claim" => client.ClaimAsync("0f8fad5b-d9cb-469f-a165-70867728950e"),
        _ => throw new ArgumentOutOfRangeException(nameof(call)),
    };

    [Theory]
    [MemberData(nameof(CaseNames))]
    public Task Server_answer(string name) => HostileLedger.RunAsync(Area, name, async () =>
    {
        var c = Cases[name];
        using var client = Client(new StubHandler(_ =>
        {
            var r = StubHandler.Bytes(c.Status, c.Body, c.ContentType);
            if (c.Status == 302) r.Headers.Location = new Uri("https://sso.example/login");
            return r;
        }));
        var ex = await Hostile.WithinAsync(TimeSpan.FromSeconds(20), async () =>
        {
            try
            {
                await Call(client, c.Call);
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }, name);
        Assert.NotNull(ex);
        Assert.IsType(c.Expected, ex);
        Hostile.AssertNames(ex, c.Mentions, "/api/hpc/jobs");
        Assert.True(ex.Message.Length < 2000, $"message is {ex.Message.Length} characters long");
        return Verdict.Refused;
    });

    /// <summary>A real socket that promises more bytes than it sends, then hangs up: the transport error must be
    /// typed (unavailable) and the request retried, not surface as an IOException from deep inside HttpClient.</summary>
    [Fact]
    public Task Response_cut_off_mid_body() => HostileLedger.RunAsync(Area, "response cut off mid-body (raw socket)", async () =>
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var served = 0;
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var socket = await listener.AcceptSocketAsync(stop.Token);
                var buffer = new byte[65536];
                await socket.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
                await socket.SendAsync(U("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"items\":[{\"id\":"), SocketFlags.None);
                Interlocked.Increment(ref served);
                socket.Shutdown(SocketShutdown.Both);
            }
        });
        using var client = Client(new SocketsHttpHandler(), new Uri($"http://127.0.0.1:{port}/"));
        var ex = await Assert.ThrowsAsync<Emx2UnavailableException>(() => client.ListJobsPageAsync(new JobQuery { Status = "PENDING" }));
        Hostile.AssertNames(ex, "/api/hpc/jobs", "unreachable after 2 attempt(s)");
        Assert.Equal(2, served);
        await stop.CancelAsync();
        listener.Stop();
        try { await server; } catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
        return Verdict.Refused;
    });
}
