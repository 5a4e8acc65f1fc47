namespace Emx2Hpc.Core.Emx2;

/// <summary>What went wrong in one EMX2 call, in the terms an operator needs: which request, what the server
/// said (problem-detail title/detail) and the request id to look up in the server log.</summary>
public sealed record Emx2ErrorInfo(string Method, string Path, int? Status, string? Title, string? Detail, string? RequestId)
{
    /// <summary>"POST /api/hpc/jobs/…/claim → 409 Conflict: Job … is not in PENDING status (current: CLAIMED)".</summary>
    public string Describe()
    {
        var head = $"{Method} {Path} → ";
        var status = Status is { } s ? (string.IsNullOrEmpty(Title) ? s.ToString() : $"{s} {Title}") : Title ?? "no response";
        return string.IsNullOrEmpty(Detail) ? head + status : $"{head}{status}: {Detail}";
    }
}

/// <summary>Base of every error the EMX2 client raises. Catch this to handle "EMX2 said no or could not be
/// reached"; catch a subclass for one specific situation.</summary>
public class Emx2ApiException : Exception
{
    public Emx2ApiException(Emx2ErrorInfo info, string? hint = null, Exception? inner = null)
        : base(hint is null ? info.Describe() : $"{info.Describe()} ({hint})", inner)
    {
        Info = info;
    }

    public Emx2ErrorInfo Info { get; }
    /// <summary>HTTP status, or null when no response arrived.</summary>
    public int? Status => Info.Status;
    public string? Title => Info.Title;
    public string? Detail => Info.Detail;
    public string Method => Info.Method;
    public string Path => Info.Path;
    /// <summary>X-Request-Id of the attempt that produced this error (the server logs it as urn:request:&lt;id&gt;).</summary>
    public string? RequestId => Info.RequestId;

    /// <summary>True when an earlier attempt of the same call failed in a way that may have left its effect on
    /// the server (lost response, 5xx). Callers use it to reconcile, e.g. a 404 on a retried DELETE means done.</summary>
    public bool AfterUnconfirmedAttempt { get; internal set; }
}
