using System.Text.Json;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Model;

namespace Emx2Hpc.Emulator.Domain;

/// <summary>Validates a transition/complete body in the server's order (SERVER-SPEC §6.4): status presence →
/// status value → worker match → phase → message → progress.</summary>
internal static class TransitionRequestParser
{
    public static TransitionRequest Parse(JsonElement body, string workerIdHeader, bool terminalOnly)
    {
        if (!JsonFields.TryGet(body, "status", out var statusElement)) throw HpcProblemException.BadRequest("status is required");
        var status = statusElement.ValueKind == JsonValueKind.String ? statusElement.GetString()! : statusElement.GetRawText();
        if (!JobStatus.IsKnown(status)) throw HpcProblemException.BadRequest($"Invalid status: {status}");
        if (terminalOnly && !JobStatus.IsTerminal(status))
            throw HpcProblemException.BadRequest(
                $"Invalid status for complete: {status}; only terminal statuses ({string.Join(", ", JobStatus.Terminal)}) are allowed");
        RequireMatchingWorker(body, workerIdHeader);
        var phase = LimitedString(body, "phase", ProgressLimits.PhaseMaxLength);
        var message = LimitedString(body, "message", ProgressLimits.MessageMaxLength);
        var progress = Progress(body);
        return new TransitionRequest
        {
            Target = status,
            WorkerId = workerIdHeader,
            Detail = JsonFields.Scalar(body, "detail"),
            SlurmJobId = JsonFields.Scalar(body, "slurm_job_id"),
            OutputArtifactId = JsonFields.String(body, "output_artifact_id"),
            LogArtifactId = JsonFields.String(body, "log_artifact_id"),
            Phase = phase,
            Message = message,
            Progress = progress,
        };
    }

    /// <summary>A body worker_id, when non-blank, must equal X-Worker-Id; the header is the identity either way.</summary>
    public static void RequireMatchingWorker(JsonElement body, string workerIdHeader)
    {
        var bodyWorker = JsonFields.Scalar(body, "worker_id");
        if (!string.IsNullOrWhiteSpace(bodyWorker) && bodyWorker != workerIdHeader)
            throw HpcProblemException.BadRequest("worker_id in request body must match X-Worker-Id header");
    }

    private static string? LimitedString(JsonElement body, string name, int maxLength)
    {
        var value = JsonFields.String(body, name);
        if (value is { Length: var n } && n > maxLength)
            throw HpcProblemException.BadRequest($"{name} must be at most {maxLength} characters");
        return value;
    }

    private static double? Progress(JsonElement body)
    {
        if (!JsonFields.TryGet(body, "progress", out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var p) || !double.IsFinite(p))
            throw HpcProblemException.BadRequest("progress must be a finite number");
        if (p < ProgressLimits.ProgressMin || p > ProgressLimits.ProgressMax)
            throw HpcProblemException.BadRequest($"progress must be between {ProgressLimits.ProgressMin:0.0} and {ProgressLimits.ProgressMax:0.0}");
        return p;
    }
}
