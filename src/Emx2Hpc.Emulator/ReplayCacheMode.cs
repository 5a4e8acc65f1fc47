namespace Emx2Hpc.Emulator;

/// <summary>How the HMAC nonce cache behaves (SERVER-SPEC §4.3).</summary>
public enum ReplayCacheMode
{
    /// <summary>One cache for all workers that survives requests: a replayed nonce inside the 300 s window is
    /// rejected. This is what the design promises and what the SS-era server did.</summary>
    Global,

    /// <summary>Faithful to the current (per-worker era) server, which builds a new verifier per request, so a
    /// replay inside the window is not detected.</summary>
    PerRequest,
}
