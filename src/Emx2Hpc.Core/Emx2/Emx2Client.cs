using System.Net;
using Emx2Hpc.Core.Diagnostics;

namespace Emx2Hpc.Core.Emx2;

/// <summary>Typed client for the EMX2 HPC API (SERVER-SPEC §6): signs every request, retries only what is
/// safe to repeat, reconciles the calls that are not (claim, commit), pages through whole lists and streams
/// files. Thread-safe; one instance per worker identity and base URL.</summary>
public sealed partial class Emx2Client : IDisposable
{
    private readonly Emx2ClientOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHandler;
    private readonly HpcLog _log;
    private readonly RequestSigner _signer;
    private readonly RetryPolicy _retry;
    private readonly ProblemReader _problems;

    /// <param name="options">Where and who; validated here.</param>
    /// <param name="log">Receives one Debug event per attempt and a Warning per retry; never the secret.</param>
    /// <param name="handler">Transport override for tests; when null a SocketsHttpHandler is created that does
    /// not follow redirects (a 302 for an external file must be seen) and does not decompress (hashes are over
    /// the stored bytes).</param>
    public Emx2Client(Emx2ClientOptions options, HpcLog? log = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _log = (log ?? HpcLog.Null).For("emx2");
        _ownsHandler = handler is null;
        handler ??= CreateDefaultHandler(options);
        // Timeouts are per attempt (see the pipeline); HttpClient's single overall timeout would cut off long transfers.
        _http = new HttpClient(handler, disposeHandler: _ownsHandler) { Timeout = Timeout.InfiniteTimeSpan };
        var redactor = new Redactor();
        redactor.Add(options.Secret);
        _signer = new RequestSigner(options);
        _retry = new RetryPolicy(options);
        _problems = new ProblemReader(redactor);
        ServerClock = new ServerClock(options.Clock);
    }

    /// <summary>The transport used when none is given; public so a host can put a measuring handler in front of it.</summary>
    public static HttpMessageHandler CreateDefaultHandler(Emx2ClientOptions options) => new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        // Recycle connections so DNS changes (failover, load balancer moves) are picked up by a long-running daemon.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = options.RequestTimeout < TimeSpan.FromSeconds(10) ? options.RequestTimeout : TimeSpan.FromSeconds(10),
        UseCookies = false,
    };

    public Uri BaseUrl => _options.BaseUrl;
    public string WorkerId => _options.WorkerId;

    /// <summary>Server zone and clock skew, learned from responses.</summary>
    public ServerClock ServerClock { get; }

    public void Dispose() => _http.Dispose();
}
