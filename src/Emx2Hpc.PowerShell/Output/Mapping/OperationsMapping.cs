using Emx2Hpc.Core.Operations;
using CoreImportAction = Emx2Hpc.Core.Takeover.ImportAction;
using CoreImportPlan = Emx2Hpc.Core.Takeover.ImportPlan;
using CoreWorkerStatus = Emx2Hpc.Core.Status.WorkerStatus;

namespace Emx2Hpc.PowerShell.Output.Mapping;

/// <summary>Operations objects → <see cref="WorkerStatus"/> (Get-HpcWorkerStatus) and <see cref="PythonImportPlan"/>
/// (Import-HpcPythonState), without the state rows the import writes.</summary>
internal static class OperationsMapping
{
    public static WorkerStatus ToWorkerStatus(WorkerSession session, CoreWorkerStatus status) => new()
    {
        WorkerId = status.WorkerId,
        Version = status.Version,
        CheckedAt = status.CheckedUtc.ToUniversalTime(),
        Healthy = status.Healthy,
        Problems = [.. status.Problems],
        LastSuccessAt = status.LastSuccessUtc?.ToUniversalTime(),
        LastSuccessAge = status.LastSuccessAge,
        LastErrorAt = status.LastErrorUtc?.ToUniversalTime(),
        LastError = status.LastError,
        Emx2Reachable = status.Emx2.Reachable,
        CredentialsAccepted = status.Emx2.CredentialsAccepted,
        Emx2Detail = status.Emx2.Detail,
        SchedulerReachable = status.Scheduler.Reachable,
        SchedulerDetail = status.Scheduler.Detail,
        JobsByPhase = new Dictionary<string, int>(status.JobsByPhase, StringComparer.OrdinalIgnoreCase),
        OutboxDepth = status.OutboxDepth,
        OldestReportAge = status.OldestReportAge,
        LockHolderPid = status.LockHolder?.Pid,
        LockHeldSince = status.LockHolder?.SinceUtc?.ToUniversalTime(),
        LockHeldFor = status.LockHolder?.HeldFor,
        StateDb = status.StateDb,
        StateDbSize = status.StateDbBytes,
    };

    public static PythonImportPlan ToImportPlan(WorkerSession session, CoreImportPlan plan) => new()
    {
        Source = plan.Source,
        Destination = plan.Destination,
        Applied = plan.Applied,
        Blockers = [.. plan.Blockers],
        Decisions = [.. plan.Decisions.Select(d => new PythonImportDecision
        {
            JobId = d.JobId,
            Action = d.Action switch
            {
                CoreImportAction.Import => PythonImportAction.Import,
                CoreImportAction.Skip => PythonImportAction.Skip,
                _ => PythonImportAction.Refuse,
            },
            Reason = d.Reason,
            Phase = d.Row is null ? null : ProtocolValues.Parse<TrackedJobPhase>(d.Row.Phase.ToString()),
            SlurmJobId = d.Row?.SchedulerJobId,
        })],
        Imported = plan.Count(CoreImportAction.Import),
        Skipped = plan.Count(CoreImportAction.Skip),
        Refused = plan.Count(CoreImportAction.Refuse),
    };
}
