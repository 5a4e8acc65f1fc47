using System.Globalization;
using System.Text.Json.Nodes;
using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Core.Staging;

/// <summary>A sanitised progress report from the workload (already within ProgressLimits; at least one field set).
/// Value equality plus <see cref="Fingerprint"/> let the cycle post only real changes, even across restarts.</summary>
public sealed record ProgressUpdate(string? Phase, string? Message, double? Progress)
{
    /// <summary>Progress as a whole percentage (rounded half away from zero), or null.</summary>
    public int? Percent => Progress is { } p ? (int)Math.Round(p * 100, MidpointRounding.AwayFromZero) : null;

    /// <summary>Stable across processes and .NET versions (unlike GetHashCode), so it can be persisted: SHA-256 of a
    /// canonical JSON array of the three fields, progress in round-trip invariant form.</summary>
    public string Fingerprint =>
        BodyHash.OfUtf8(new JsonArray(Phase, Message, Progress?.ToString("R", CultureInfo.InvariantCulture)).ToJsonString());

    /// <summary>Transition detail in the reference daemon's form: <c>progress: &lt;phase&gt;; &lt;message&gt;; &lt;NN&gt;%</c>,
    /// absent parts left out.</summary>
    public string Detail
    {
        get
        {
            var parts = new List<string>(3);
            if (Phase is not null) parts.Add(Phase);
            if (Message is not null) parts.Add(Message);
            if (Percent is { } percent) parts.Add(percent.ToString(CultureInfo.InvariantCulture) + "%");
            return "progress: " + string.Join("; ", parts);
        }
    }
}
