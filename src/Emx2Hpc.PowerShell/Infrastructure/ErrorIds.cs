namespace Emx2Hpc.PowerShell;

/// <summary>The stable ErrorIds of this module. Scripts match on them
/// (<c>$_.FullyQualifiedErrorId -like 'Emx2Hpc.Emx2Unreachable*'</c>), so they are part of the public interface
/// and listed in about_Emx2Hpc; never rename one.</summary>
public static class ErrorIds
{
    public const string ConfigInvalid = "Emx2Hpc.ConfigInvalid";
    public const string Emx2Unreachable = "Emx2Hpc.Emx2Unreachable";
    public const string AuthRejected = "Emx2Hpc.AuthRejected";
    public const string Forbidden = "Emx2Hpc.Forbidden";
    public const string JobNotFound = "Emx2Hpc.JobNotFound";
    public const string ArtifactNotFound = "Emx2Hpc.ArtifactNotFound";
    public const string NotFound = "Emx2Hpc.NotFound";
    public const string ClaimConflict = "Emx2Hpc.ClaimConflict";
    public const string StateConflict = "Emx2Hpc.StateConflict";
    public const string HashMismatch = "Emx2Hpc.HashMismatch";
    public const string BadRequest = "Emx2Hpc.BadRequest";
    public const string ExternalContent = "Emx2Hpc.ExternalContent";
    public const string ProtocolViolation = "Emx2Hpc.ProtocolViolation";
    public const string Emx2Error = "Emx2Hpc.Emx2Error";
    public const string SchedulerUnavailable = "Emx2Hpc.SchedulerUnavailable";
    public const string SchedulerRejected = "Emx2Hpc.SchedulerRejected";
    public const string StagingFailed = "Emx2Hpc.StagingFailed";
    public const string UploadFailed = "Emx2Hpc.UploadFailed";
    public const string DownloadFailed = "Emx2Hpc.DownloadFailed";
    public const string PathNotFound = "Emx2Hpc.PathNotFound";
    public const string InvalidArgument = "Emx2Hpc.InvalidArgument";
    public const string OperationFailed = "Emx2Hpc.OperationFailed";

    /// <summary>Every id above, for documentation tests.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ConfigInvalid, Emx2Unreachable, AuthRejected, Forbidden, JobNotFound, ArtifactNotFound, NotFound,
        ClaimConflict, StateConflict, HashMismatch, BadRequest, ExternalContent, ProtocolViolation, Emx2Error,
        SchedulerUnavailable, SchedulerRejected, StagingFailed, UploadFailed, DownloadFailed, PathNotFound,
        InvalidArgument, OperationFailed,
    ];
}
