namespace Emx2Hpc.Emulator.Model;

/// <summary>Server settings that tests may flip while the emulator runs (the real server reads them from _SYSTEM_
/// settings per request, so changes take effect on the next request there too).</summary>
internal sealed class EmulatorSettings
{
    private volatile bool _enabled;
    private volatile bool _initialized;
    private volatile string? _credentialsKey;
    private volatile string? _sharedSecret;

    public bool Enabled { get => _enabled; set => _enabled = value; }

    /// <summary>Health's hpc_initialized: set by the first non-health request while enabled, cleared by one that
    /// finds the emulator disabled.</summary>
    public bool Initialized { get => _initialized; set => _initialized = value; }

    public string? CredentialsKey { get => _credentialsKey; set => _credentialsKey = string.IsNullOrEmpty(value) ? null : value; }

    public bool HasCredentialsKey => _credentialsKey is not null;

    public string? SharedSecret { get => _sharedSecret; set => _sharedSecret = string.IsNullOrEmpty(value) ? null : value; }

    public ReplayCacheMode ReplayCache { get; set; }

    public long MaxUploadBytes { get; set; }
}
