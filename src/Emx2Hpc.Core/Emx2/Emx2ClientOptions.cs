namespace Emx2Hpc.Core.Emx2;

/// <summary>How the client proves who it is (SERVER-SPEC §4.1).</summary>
public enum Emx2AuthMode
{
    /// <summary>Per-worker HMAC-SHA256 signature; <see cref="Emx2ClientOptions.Secret"/> is the worker credential.</summary>
    Hmac,
    /// <summary>EMX2 user token sent as x-molgenis-token (cmdlets run by people, credential management).</summary>
    Token,
    /// <summary>No credential (health checks, or a server behind an authenticating proxy).</summary>
    None,
}

/// <summary>Settings of one <see cref="Emx2Client"/>. A class rather than a record so the secret can never
/// leak through a generated ToString.</summary>
public sealed class Emx2ClientOptions
{
    /// <summary>Root of the EMX2 server, optionally with a path prefix (https://host/emx2/); /api/hpc is appended.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>Sent as X-Worker-Id; selects the HMAC credential. May be empty for token users.</summary>
    public string WorkerId { get; init; } = "";

    /// <summary>HMAC secret or user token, depending on <see cref="AuthMode"/>.</summary>
    public string? Secret { get; init; }

    public Emx2AuthMode AuthMode { get; init; } = Emx2AuthMode.Hmac;

    /// <summary>Upper bound for one attempt of an ordinary JSON request, including reading its body.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>For file uploads and downloads: the longest time without any byte moving (an idle timeout,
    /// like the reference daemon's read/write timeouts), so large files are not capped by a total duration.</summary>
    public TimeSpan TransferTimeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Largest JSON body accepted from a successful response (job lists, claims, artifacts). A page of 100
    /// jobs is far smaller than this even with large parameters; a server or proxy sending more is treated as
    /// broken instead of being buffered into memory. File downloads are bounded separately by the size the
    /// artifact's listing declares and by Content-Length.</summary>
    public int MaxResponseBodyBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>Attempts per request, including the first.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Backoff before retry n (1-based) is Jitter() × min(BackoffMax, BackoffBase × 2^(n−1)).</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(0.5);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Source of X-Timestamp, backoff delays and timeouts; replaceable in tests.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Uniform random number in [0, 1] for full-jitter backoff; replaceable in tests.</summary>
    public Func<double> Jitter { get; init; } = Random.Shared.NextDouble;

    internal void Validate()
    {
        if (!BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttp && BaseUrl.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"EMX2 base URL must be an absolute http(s) URL, got '{BaseUrl}'.", nameof(BaseUrl));
        if (!string.IsNullOrEmpty(BaseUrl.Query) || !string.IsNullOrEmpty(BaseUrl.Fragment))
            throw new ArgumentException($"EMX2 base URL must not contain a query or fragment, got '{BaseUrl}'.", nameof(BaseUrl));
        if (AuthMode != Emx2AuthMode.None && string.IsNullOrEmpty(Secret))
            throw new ArgumentException($"Auth mode {AuthMode} needs a secret.", nameof(Secret));
        if (AuthMode == Emx2AuthMode.Hmac && string.IsNullOrWhiteSpace(WorkerId))
            throw new ArgumentException("HMAC auth needs a worker id: the server selects the credential by X-Worker-Id.", nameof(WorkerId));
        if (MaxResponseBodyBytes < 1024) throw new ArgumentOutOfRangeException(nameof(MaxResponseBodyBytes), MaxResponseBodyBytes, "must be at least 1024");
        if (MaxAttempts < 1) throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "must be at least 1");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "must be positive");
        if (TransferTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(TransferTimeout), TransferTimeout, "must be positive");
        if (BackoffBase < TimeSpan.Zero || BackoffMax < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(BackoffBase), "backoff durations must not be negative");
    }

    public override string ToString() =>
        $"Emx2ClientOptions {{ BaseUrl = {BaseUrl}, WorkerId = {WorkerId}, AuthMode = {AuthMode}, Secret = {(Secret is null ? "(none)" : "***")} }}";
}
