namespace Emx2Hpc.Core.Emx2;

/// <summary>400: the request was malformed or failed validation; repeating it cannot help.</summary>
public sealed class Emx2BadRequestException(Emx2ErrorInfo info) : Emx2ApiException(info);

/// <summary>403: authenticated, but the worker or token lacks the role the route needs (SERVER-SPEC §4.4).
/// Distinct from 401 so operators fix roles, not secrets or clocks.</summary>
public sealed class Emx2ForbiddenException(Emx2ErrorInfo info)
    : Emx2ApiException(info, "worker/token lacks the required role");

/// <summary>404: the job, artifact, file or worker does not exist.</summary>
public sealed class Emx2NotFoundException(Emx2ErrorInfo info) : Emx2ApiException(info);

/// <summary>409: the server state does not allow this now (job not PENDING, illegal transition, artifact not
/// committable, or a commit hash mismatch).</summary>
public sealed class Emx2ConflictException(Emx2ErrorInfo info, string? hint = null) : Emx2ApiException(info, hint)
{
    /// <summary>The server computed a different artifact tree hash than the client sent at commit.</summary>
    public bool IsHashMismatch => string.Equals(Title, "Hash Mismatch", StringComparison.OrdinalIgnoreCase);
}

/// <summary>413: the upload exceeds MOLGENIS_HPC_MAX_UPLOAD_BYTES (or the 10 MB JSON limit).</summary>
public sealed class Emx2PayloadTooLargeException(Emx2ErrorInfo info) : Emx2ApiException(info);
