using System.Net;
using System.Text;

namespace Emx2Hpc.Tests.Unit.Cycle;

/// <summary>One request the worker sent, as seen on its side of the wire.</summary>
public sealed record SentRequest(string Method, string Path, string? ContentType, int? Status, string? Error)
{
    /// <summary>A PUT that carried file bytes (not the JSON metadata form used for posix residence).</summary>
    public bool IsBinaryFilePut => Method == "PUT" && Path.Contains("/files/", StringComparison.Ordinal)
                                   && ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true;

    public bool IsFilePut => Method == "PUT" && Path.Contains("/files/", StringComparison.Ordinal);
}

/// <summary>Thrown by <see cref="RecordingHandler"/> to model the worker process dying at that exact point: it is
/// not a transport error, so nothing in the client or the cycle treats it as retryable.</summary>
public sealed class SimulatedCrashException(string message) : Exception(message);

/// <summary>When the crash happens relative to the matching request.</summary>
public enum CrashPoint
{
    /// <summary>The process dies before the request leaves: the server never sees it.</summary>
    BeforeSend,
    /// <summary>The server handles the request, then the process dies before it reads the answer.</summary>
    AfterSend,
}

/// <summary>The worker's HTTP transport in tests: a real socket handler underneath, every request recorded, and
/// two ways to arrange trouble — a crash at the n-th request matching a predicate (after which the handler is
/// "dead": every further request fails the same way, as nothing runs in a dead process), and canned answers.</summary>
public sealed class RecordingHandler : DelegatingHandler
{
    private readonly List<SentRequest> _log;
    private readonly object _gate = new();
    private Func<HttpRequestMessage, bool>? _crashWhen;
    private int _crashSkip;
    private CrashPoint _crashPoint;
    private Func<HttpRequestMessage, HttpResponseMessage?>? _respond;

    public RecordingHandler(List<SentRequest> sharedLog) : base(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
    }) => _log = sharedLog;

    public bool Dead { get; private set; }

    /// <summary>Crash at the (<paramref name="skip"/>+1)-th request matching <paramref name="when"/>.</summary>
    public void CrashAt(Func<HttpRequestMessage, bool> when, CrashPoint point, int skip = 0)
    {
        lock (_gate)
        {
            _crashWhen = when;
            _crashSkip = skip;
            _crashPoint = point;
        }
    }

    /// <summary>Answer matching requests without sending them (return null to send normally).</summary>
    public void Respond(Func<HttpRequestMessage, HttpResponseMessage?> respond) { lock (_gate) _respond = respond; }

    public static HttpResponseMessage Problem(HttpStatusCode status, string detail)
    {
        var json = $"{{\"type\":\"about:blank\",\"title\":\"{status}\",\"status\":{(int)status},\"detail\":\"{detail}\"}}";
        return new HttpResponseMessage(status)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/problem+json"),
        };
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var method = request.Method.Method;
        var path = request.RequestUri!.AbsolutePath;
        var contentType = request.Content?.Headers.ContentType?.ToString();
        bool crashHere;
        HttpResponseMessage? canned;
        lock (_gate)
        {
            if (Dead)
            {
                Record(new SentRequest(method, path, contentType, null, "dead process"));
                throw new SimulatedCrashException($"the worker process is dead ({method} {path} never sent)");
            }
            crashHere = _crashWhen?.Invoke(request) == true && _crashSkip-- <= 0;
            if (crashHere) _crashWhen = null;
            canned = crashHere ? null : _respond?.Invoke(request);
        }
        if (canned is not null)
        {
            Record(new SentRequest(method, path, contentType, (int)canned.StatusCode, "canned"));
            canned.RequestMessage = request;
            return canned;
        }
        if (crashHere && _crashPoint == CrashPoint.BeforeSend)
        {
            Dead = true;
            Record(new SentRequest(method, path, contentType, null, "crashed before send"));
            throw new SimulatedCrashException($"simulated crash before {method} {path}");
        }
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (crashHere)
        {
            Dead = true;
            Record(new SentRequest(method, path, contentType, null, "crashed after send: " + ex.Message));
            throw new SimulatedCrashException($"simulated crash after {method} {path} (transport: {ex.Message})");
        }
        catch (Exception ex)
        {
            Record(new SentRequest(method, path, contentType, null, ex.Message));
            throw;
        }
        Record(new SentRequest(method, path, contentType, (int)response.StatusCode, crashHere ? "crashed after send" : null));
        if (crashHere)
        {
            Dead = true;
            response.Dispose();
            throw new SimulatedCrashException($"simulated crash after {method} {path} was answered {(int)response.StatusCode}");
        }
        return response;
    }

    private void Record(SentRequest entry)
    {
        lock (_log) _log.Add(entry);
    }
}
