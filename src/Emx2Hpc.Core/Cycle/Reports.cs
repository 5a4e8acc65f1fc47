using System.Text.Json;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Builds report bodies and queues them. Reports never go straight to EMX2: they are written to the
/// outbox in the same transaction as the local state change they describe, and the OutboxSender delivers them.</summary>
internal static class Reports
{
    public static TransitionRequest Transition(CycleContext ctx, string status, string? detail, string? slurmJobId = null) => new()
    {
        Status = status, WorkerId = ctx.WorkerId, Detail = detail, SlurmJobId = slurmJobId,
    };

    public static void Enqueue(StateTransaction tx, string jobId, ReportKind kind, TransitionRequest body) =>
        tx.Enqueue(jobId, kind, body.Status, JsonSerializer.Serialize(body, JsonDefaults.Info<TransitionRequest>()));

    public static TransitionRequest Read(OutboxEntry entry) =>
        JsonSerializer.Deserialize(entry.PayloadJson, JsonDefaults.Info<TransitionRequest>())
        ?? throw new InvalidOperationException($"outbox entry {entry.Sequence} has an empty payload");
}
