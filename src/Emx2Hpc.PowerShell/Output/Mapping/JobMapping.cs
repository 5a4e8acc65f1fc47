using Emx2Hpc.Core.Operations;
using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.PowerShell.Output.Mapping;

/// <summary>Protocol jobs and transitions → <see cref="Job"/> and <see cref="JobTransition"/>. The session converts
/// EMX2's naive server-local timestamps to UTC.</summary>
internal static class JobMapping
{
    public static Job ToJob(WorkerSession session, JobDto dto) => new()
    {
        Id = dto.Id,
        Status = ProtocolValues.Parse<JobStatus>(dto.Status),
        Processor = dto.Processor,
        Profile = dto.Profile,
        WorkerId = dto.WorkerId,
        SlurmJobId = dto.SlurmJobId,
        SubmitUser = dto.SubmitUser,
        Parameters = JsonValues.ToPowerShell(dto.Parameters),
        Inputs = JsonValues.ToPowerShell(dto.Inputs),
        OutputArtifactId = dto.OutputArtifactId ?? dto.OutputArtifact?.Id,
        LogArtifactId = dto.LogArtifactId ?? dto.LogArtifact?.Id,
        Timeout = ProtocolValues.Seconds(dto.TimeoutSeconds),
        CreatedAt = session.ServerTimeToUtc(dto.CreatedAt),
        ClaimedAt = session.ServerTimeToUtc(dto.ClaimedAt),
        SubmittedAt = session.ServerTimeToUtc(dto.SubmittedAt),
        StartedAt = session.ServerTimeToUtc(dto.StartedAt),
        CompletedAt = session.ServerTimeToUtc(dto.CompletedAt),
        Phase = dto.Phase,
        Message = dto.Message,
        Progress = dto.Progress,
    };

    public static JobTransition ToTransition(WorkerSession session, TransitionDto dto) => new()
    {
        JobId = dto.JobId,
        FromStatus = ProtocolValues.ParseOptional<JobStatus>(dto.FromStatus),
        ToStatus = ProtocolValues.Parse<JobStatus>(dto.ToStatus),
        Timestamp = session.ServerTimeToUtc(dto.Timestamp),
        WorkerId = dto.WorkerId,
        Detail = dto.Detail,
        Phase = dto.Phase,
        Message = dto.Message,
        Progress = dto.Progress,
    };
}
