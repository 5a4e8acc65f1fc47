using Emx2Hpc.Core.Operations;
using Emx2Hpc.Core.Protocol.Dtos;
using CoreCheckResult = Emx2Hpc.Core.Checks.CheckResult;
using CoreCheckStatus = Emx2Hpc.Core.Checks.CheckStatus;
using CoreCycleReport = Emx2Hpc.Core.Cycle.CycleReport;
using CoreTrackedJob = Emx2Hpc.Core.State.TrackedJob;

namespace Emx2Hpc.PowerShell.Output.Mapping;

/// <summary>The worker's own objects → <see cref="WorkerRegistration"/>, <see cref="TrackedJob"/> (without the
/// state row's internals: no stored job JSON, progress offsets or fingerprints), <see cref="CycleReport"/> and
/// <see cref="CheckResult"/>.</summary>
internal static class WorkerMapping
{
    public static WorkerRegistration ToRegistration(WorkerSession session, WorkerRegistrationDto dto) => new()
    {
        WorkerId = dto.WorkerId,
        HostName = dto.Hostname,
        RegisteredAt = session.ServerTimeToUtc(dto.RegisteredAt),
        LastHeartbeatAt = session.ServerTimeToUtc(dto.LastHeartbeatAt),
    };

    public static TrackedJob ToTrackedJob(WorkerSession session, CoreTrackedJob row) => new()
    {
        JobId = row.JobId,
        Processor = row.Processor,
        Profile = row.Profile,
        Phase = ProtocolValues.Parse<TrackedJobPhase>(row.Phase.ToString()),
        Emx2Status = ProtocolValues.Parse<JobStatus>(row.Emx2Status),
        SlurmJobId = row.SchedulerJobId,
        SubmitAttempts = row.SubmitAttempts,
        ClaimedAt = ProtocolValues.Utc(row.ClaimedAtUtc),
        Timeout = ProtocolValues.Seconds(row.TimeoutSeconds),
        TerminalStatus = ProtocolValues.ParseOptional<JobStatus>(row.TerminalStatus),
        TerminalDetail = row.TerminalDetail,
        WorkDirectory = row.WorkDir,
        CreatedAt = ProtocolValues.Utc(row.CreatedUtc),
        UpdatedAt = ProtocolValues.Utc(row.UpdatedUtc),
    };

    public static CycleReport ToCycleReport(WorkerSession session, CoreCycleReport report) => new()
    {
        Skipped = report.Skipped,
        SkipReason = report.SkipReason,
        Registered = report.Registered,
        Claimed = report.Claimed,
        Submitted = report.Submitted,
        Finished = report.Finished,
        ReportsDelivered = report.ReportsDelivered,
        ReportsPending = report.ReportsPending,
        TrackedJobs = report.TrackedJobs,
        Errors = [.. report.Errors],
        Emx2Unreachable = report.Emx2Unreachable,
        AuthRejected = report.AuthRejected,
        Duration = report.Duration,
        Shadow = report.Shadow,
        Planned = [.. report.Planned.Select(p => p.ToString())],
    };

    public static CheckResult ToCheckResult(WorkerSession session, CoreCheckResult result) => new()
    {
        Name = result.Name,
        Status = result.Status switch
        {
            CoreCheckStatus.Pass => CheckStatus.Pass,
            CoreCheckStatus.Warn => CheckStatus.Warn,
            _ => CheckStatus.Fail,
        },
        Detail = result.Detail,
    };
}
