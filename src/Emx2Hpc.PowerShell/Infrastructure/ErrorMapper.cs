using System.Management.Automation;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Cycle;
using CoreCycleReport = Emx2Hpc.Core.Cycle.CycleReport;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Operations;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;

namespace Emx2Hpc.PowerShell.Infrastructure;

/// <summary>The one place where Core exceptions become PowerShell <see cref="ErrorRecord"/>s: a stable ErrorId a
/// script can match, the ErrorCategory PowerShell users filter on, and a recommended action for the situations an
/// operator can fix. Cmdlets never build ErrorRecords themselves.</summary>
internal static class ErrorMapper
{
    /// <param name="exception">What Core threw.</param>
    /// <param name="target">The job id, artifact id or path the cmdlet was working on.</param>
    /// <param name="failureId">The cmdlet's own id for failures of its operation that have no more specific id
    /// (e.g. <see cref="ErrorIds.UploadFailed"/> for an unreadable file during Send-HpcArtifact).</param>
    public static ErrorRecord ToErrorRecord(Exception exception, object? target, string? failureId = null)
    {
        var (id, category) = Classify(exception);
        var record = new ErrorRecord(exception, id ?? failureId ?? ErrorIds.OperationFailed, category, target);
        if (RecommendedAction(exception) is { } action)
            record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = action };
        return record;
    }

    /// <summary>A cycle that could not talk to EMX2 (unreachable, credentials refused) still returns its report,
    /// because local monitoring went on; cron must nevertheless see a failure, as `emx2-hpc once` exits 1.</summary>
    /// <param name="report">The cycle's report as Core made it.</param>
    /// <param name="target">The report as the cmdlet output it (the error's TargetObject).</param>
    public static ErrorRecord? CycleFailure(CoreCycleReport report, object target)
    {
        if (!report.Emx2Unreachable) return null;
        var reason = report.Errors.Count == 0 ? "no detail" : string.Join("; ", report.Errors);
        var exception = new InvalidOperationException($"The cycle could not work with EMX2: {reason}");
        return new ErrorRecord(exception, report.AuthRejected ? ErrorIds.AuthRejected : ErrorIds.Emx2Unreachable,
            report.AuthRejected ? ErrorCategory.AuthenticationError : ErrorCategory.ConnectionError, target)
        {
            ErrorDetails = new ErrorDetails(exception.Message)
            {
                RecommendedAction = "Check emx2.base_url, that EMX2 is reachable, the worker secret and this host's clock; "
                    + "the next cycle carries on from the local state.",
            },
        };
    }

    // A null id means "a failure of the operation itself": the cmdlet's failureId names it better than a generic id.
    private static (string? Id, ErrorCategory Category) Classify(Exception exception) => exception switch
    {
        ConfigException => (ErrorIds.ConfigInvalid, ErrorCategory.InvalidData),

        Emx2UnavailableException => (ErrorIds.Emx2Unreachable, ErrorCategory.ConnectionError),
        Emx2AuthenticationException => (ErrorIds.AuthRejected, ErrorCategory.AuthenticationError),
        Emx2ForbiddenException => (ErrorIds.Forbidden, ErrorCategory.PermissionDenied),
        Emx2NotFoundException e => (NotFoundId(e.Path), ErrorCategory.ObjectNotFound),
        ObjectNotFoundException e => (e.Kind == ObjectKind.Artifact ? ErrorIds.ArtifactNotFound : ErrorIds.JobNotFound, ErrorCategory.ObjectNotFound),
        JobClaimConflictException => (ErrorIds.ClaimConflict, ErrorCategory.ResourceBusy),
        Emx2ConflictException { IsHashMismatch: true } => (ErrorIds.HashMismatch, ErrorCategory.InvalidResult),
        Emx2ConflictException e when IsClaim(e.Path) => (ErrorIds.ClaimConflict, ErrorCategory.ResourceBusy),
        Emx2ConflictException => (ErrorIds.StateConflict, ErrorCategory.InvalidOperation),
        Emx2BadRequestException => (ErrorIds.BadRequest, ErrorCategory.InvalidArgument),
        Emx2RedirectException => (ErrorIds.ExternalContent, ErrorCategory.ResourceUnavailable),
        Emx2PayloadTooLargeException => (null, ErrorCategory.LimitsExceeded),
        Emx2ProtocolException => (null, ErrorCategory.ProtocolError),
        Emx2ApiException => (ErrorIds.Emx2Error, ErrorCategory.NotSpecified),

        SchedulerUnavailableException => (ErrorIds.SchedulerUnavailable, ErrorCategory.ResourceUnavailable),
        SchedulerException => (ErrorIds.SchedulerRejected, ErrorCategory.InvalidOperation),
        StagingException => (ErrorIds.StagingFailed, ErrorCategory.InvalidData),

        FileNotFoundException or DirectoryNotFoundException => (ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound),
        UnauthorizedAccessException => (null, ErrorCategory.PermissionDenied),
        IOException => (null, ErrorCategory.NotSpecified),
        ArgumentException => (ErrorIds.InvalidArgument, ErrorCategory.InvalidArgument),
        InvalidOperationException => (null, ErrorCategory.InvalidOperation),
        _ => (null, ErrorCategory.NotSpecified),
    };

    // The API path says what was missing: /api/hpc/jobs/{id}… or /api/hpc/artifacts/{id}….
    private static string NotFoundId(string path) =>
        path.Contains("/artifacts", StringComparison.Ordinal) ? ErrorIds.ArtifactNotFound
        : path.Contains("/jobs", StringComparison.Ordinal) ? ErrorIds.JobNotFound
        : ErrorIds.NotFound;

    private static bool IsClaim(string path) => path.EndsWith("/claim", StringComparison.Ordinal);

    private static string? RecommendedAction(Exception exception) => exception switch
    {
        ConfigException => "Fix the configuration file at the line and key named above, then run Test-HpcConfig.",
        Emx2UnavailableException => "Check emx2.base_url in the configuration and that EMX2 is running and reachable from this host.",
        Emx2AuthenticationException => "Check the worker secret (or -Token) and that this host's clock is synchronised (HMAC allows ±300 s).",
        Emx2ForbiddenException => "Give the worker or token owner the role this operation needs in EMX2.",
        Emx2ConflictException e when IsClaim(e.Path) => "Another worker claimed the job first; nothing to do.",
        JobClaimConflictException => "This worker already holds the job; the next Invoke-HpcCycle carries it on (Get-HpcTrackedJob shows it).",
        SchedulerUnavailableException => "Check that the Slurm commands are on PATH and slurmctld answers (squeue).",
        _ => null,
    };
}
