namespace Emx2Hpc.Core.Emx2;

/// <summary>One logical EMX2 call: what to send and how failures may be handled. The pipeline turns it into a
/// fresh HttpRequestMessage per attempt.</summary>
internal sealed record ApiRequest(HttpMethod Method, string PathAndQuery)
{
    public RequestBody? Body { get; init; }
    public RetryMode Retry { get; init; } = RetryMode.Idempotent;
    /// <summary>File transfer: <see cref="Emx2ClientOptions.TransferTimeout"/> applies as an idle timeout.</summary>
    public bool IsTransfer { get; init; }
    /// <summary>Hand 3xx responses to the success callback instead of failing (file downloads).</summary>
    public bool AcceptRedirect { get; init; }
    /// <summary>Extra veto on retrying, e.g. a download that already wrote into a non-seekable stream.</summary>
    public Func<bool>? CanRetry { get; init; }
    /// <summary>Cumulative bytes sent, reported during uploads.</summary>
    public IProgress<long>? UploadProgress { get; init; }
}

/// <summary>State of one attempt that success callbacks need: its cancellation token (caller + timeout), its
/// request id, and a way to tell the idle timer that bytes are still moving.</summary>
internal sealed class Attempt(string requestId, string pathAndQuery, CancellationToken token, Action touch)
{
    public string RequestId { get; } = requestId;
    /// <summary>The encoded path and query as sent, base-URL prefix included.</summary>
    public string PathAndQuery { get; } = pathAndQuery;
    public CancellationToken Token { get; } = token;
    public void Touch() => touch();
}
