using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Cycle.Shadow;

namespace Emx2Hpc.Core.Audit;

/// <summary>The audit of a shadow cycle's plan: one JSON line per side effect it held back, appended to
/// <c>shadow-&lt;audit file name&gt;</c> beside the real audit trail. A file of its own because the real trail records
/// only side effects that happened and is exported by sequence number from the state database, which a shadow cycle
/// never writes; an admin running shadow mode beside the Python daemon compares this file with that daemon's log.
/// Created private (0600) like the real trail: it names jobs.</summary>
public static class ShadowAuditTrail
{
    public static string PathFor(HpcConfig config)
    {
        var real = config.Audit.ResolvePath(config.Worker.StateDb);
        return Path.Combine(Path.GetDirectoryName(real)!, "shadow-" + Path.GetFileName(real));
    }

    /// <summary>Appends the plan; returns how many lines were written (0 when the audit trail is turned off).</summary>
    public static int Append(HpcConfig config, IReadOnlyList<PlannedAction> plan, DateTimeOffset now)
    {
        if (!config.Audit.Enabled || plan.Count == 0) return 0;
        var path = PathFor(config);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var time = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        foreach (var action in plan)
            text.Append(new JsonObject
            {
                ["time"] = time,
                ["event"] = "shadow_planned",
                ["worker_id"] = config.Emx2.WorkerId,
                ["job_id"] = action.JobId,
                ["action"] = action.Kind.ToString().ToLowerInvariant(),
                ["description"] = action.Description,
            }.ToJsonString()).Append('\n');
        using var file = new FileStream(path, options);
        file.Write(Encoding.UTF8.GetBytes(text.ToString()));
        file.Flush(flushToDisk: true);
        return plan.Count;
    }
}
