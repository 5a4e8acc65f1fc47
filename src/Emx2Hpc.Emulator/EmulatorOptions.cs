using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Faults;

namespace Emx2Hpc.Emulator;

/// <summary>Everything the emulator can be told at start; mirrors the command line one to one.</summary>
public sealed class EmulatorOptions
{
    /// <summary>Used when <see cref="CredentialsKey"/> is left alone, so credential issue works out of the box.</summary>
    public const string BuiltInCredentialsKey = "emx2-hpc-emulator-built-in-credentials-key";

    /// <summary>The real server's SS era refused shared secrets shorter than this (and then, by a bug, accepted
    /// anything); the emulator refuses to start with one instead.</summary>
    public const int MinimumSharedSecretLength = 32;

    /// <summary>Kestrel address; port 0 picks a free port (read the real one from <see cref="EmulatorServer.BaseUrl"/>).</summary>
    public string ListenUrl { get; set; } = "http://127.0.0.1:0";

    /// <summary>SS-era single shared secret, accepted for any X-Worker-Id. Null: none.</summary>
    public string? SharedSecret { get; set; }

    /// <summary>Per-worker secrets (worker id → secret), seeded as ACTIVE credentials at start.</summary>
    public IDictionary<string, string> WorkerSecrets { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>x-molgenis-token values → role of the user the token stands for.</summary>
    public IDictionary<string, UserRole> UserTokens { get; set; } = new Dictionary<string, UserRole>(StringComparer.Ordinal);

    /// <summary>SQLite file that keeps state across restarts. Null: in memory.</summary>
    public string? StatePath { get; set; }

    /// <summary>Start in the 503 mode (MOLGENIS_HPC_ENABLED=false): every route but health answers 503.</summary>
    public bool Disabled { get; set; }

    public ReplayCacheMode ReplayCache { get; set; } = ReplayCacheMode.Global;

    /// <summary>MOLGENIS_HPC_MAX_UPLOAD_BYTES.</summary>
    public long MaxUploadBytes { get; set; } = ProtocolConstants.DefaultMaxUploadBytes;

    /// <summary>MOLGENIS_HPC_CREDENTIALS_KEY. Null or empty: not configured, so credential issue/rotate and HMAC
    /// with stored credentials answer 503 as on the real server.</summary>
    public string? CredentialsKey { get; set; } = BuiltInCredentialsKey;

    /// <summary>Fault-injection rules; wins over <see cref="FaultPlanPath"/> when both are set.</summary>
    public FaultPlan? FaultPlan { get; set; }

    /// <summary>JSON file with fault-injection rules, read at start.</summary>
    public string? FaultPlanPath { get; set; }
}
