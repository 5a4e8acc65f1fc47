namespace Emx2Hpc.Core.Configuration;

/// <summary>The <c>emx2</c> section: where the server is and who this worker is.</summary>
public sealed record Emx2Settings
{
    public const string DefaultWorkerId = "hpc-daemon-01";

    /// <summary>Always has a path ending in '/' (the loader normalises it) so relative API paths combine
    /// under a path prefix such as https://host/emx2/.</summary>
    public Uri BaseUrl { get; init; } = new("http://localhost:8080/");

    public string WorkerId { get; init; } = DefaultWorkerId;

    /// <summary>Null when no secret is configured; loading allows that so <c>check</c> can report it.</summary>
    public WorkerSecret? Secret { get; init; }

    public AuthMode AuthMode { get; init; } = AuthMode.Hmac;

    /// <summary>Full path of the file the secret was read from; null when the secret was inline or absent.</summary>
    public string? SecretFile { get; init; }

    /// <summary>Plain <c>http://</c> to a host other than this one is refused by <c>check</c> unless this is set:
    /// the HMAC signature does not cover Content-Type and responses are not signed at all, so anyone on the path
    /// can change what a signed request means or what the worker is told. Loopback needs no opt-in.</summary>
    public bool AllowInsecureHttp { get; init; }
}
