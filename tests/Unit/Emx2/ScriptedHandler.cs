using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Emx2Hpc.Tests.Unit.Emx2;

/// <summary>A request as the fake server saw it: the request target exactly as HttpClient would send it, all
/// request and content headers, and the full body.</summary>
public sealed record RecordedRequest(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string PathAndQuery => Uri.PathAndQuery;
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>In-test HttpMessageHandler: answers from a script, one step per request, and records every request.
/// Steps may throw (to simulate refused or reset connections) or wait on the token (to simulate a hang).</summary>
public sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly Queue<Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>> _script = new();
    private readonly List<RecordedRequest> _requests = [];

    /// <summary>Answers requests once the script is exhausted (null: fail the test loudly).</summary>
    public Func<RecordedRequest, HttpResponseMessage>? Fallback { get; set; }

    public IReadOnlyList<RecordedRequest> Requests { get { lock (_requests) return _requests.ToList(); } }

    /// <summary>Runs before the request body is read, e.g. to change a file the body streams from.</summary>
    public Action<HttpRequestMessage>? BeforeBody { get; set; }

    public ScriptedHandler Then(Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> step)
    {
        _script.Enqueue(step);
        return this;
    }

    public ScriptedHandler Then(Func<RecordedRequest, HttpResponseMessage> step) => Then((r, _) => Task.FromResult(step(r)));

    public ScriptedHandler ThenJson(int status, string json, Action<HttpResponseMessage>? configure = null) =>
        Then(_ => Json(status, json, configure));

    public ScriptedHandler ThenProblem(int status, string title, string detail) =>
        Then(_ => Problem(status, title, detail));

    public ScriptedHandler ThenThrow(Exception ex) => Then((_, _) => Task.FromException<HttpResponseMessage>(ex));

    /// <summary>Never answers; completes only when the request is cancelled (timeout or caller).</summary>
    public ScriptedHandler ThenHang() => Then(async (_, ct) =>
    {
        await Task.Delay(Timeout.Infinite, ct);
        throw new InvalidOperationException("unreachable");
    });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        BeforeBody?.Invoke(request);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in request.Headers) headers[h.Key] = string.Join(", ", h.Value);
        byte[] body = [];
        if (request.Content is not null)
        {
            // Content-Length must be read before the body, as a real handler would put it on the wire.
            foreach (var h in request.Content.Headers) headers[h.Key] = string.Join(", ", h.Value);
            body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        var recorded = new RecordedRequest(request.Method.Method, request.RequestUri!, headers, body);
        lock (_requests) _requests.Add(recorded);

        Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>? step;
        lock (_script) _script.TryDequeue(out step);
        var response = step is not null ? await step(recorded, cancellationToken)
            : Fallback?.Invoke(recorded) ?? throw new InvalidOperationException($"no scripted response for {recorded.Method} {recorded.PathAndQuery}");
        response.RequestMessage = request;
        return response;
    }

    public static HttpResponseMessage Json(int status, string json, Action<HttpResponseMessage>? configure = null)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(json, Encoding.UTF8) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        configure?.Invoke(response);
        return response;
    }

    public static HttpResponseMessage Problem(int status, string title, string detail) =>
        Json(status, $$"""{"type":"about:blank","title":"{{title}}","status":{{status}},"detail":"{{detail}}"}""",
            r => r.Content.Headers.ContentType = new MediaTypeHeaderValue("application/problem+json"));

    public static HttpResponseMessage Text(int status, string text, string mediaType = "text/html")
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(text, Encoding.UTF8) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return response;
    }
}
