namespace Emx2Hpc.Core.Protocol;

/// <summary>Job lifecycle statuses and the legal edges between them (hpc-protocol.json "transitions").</summary>
public static class JobStatus
{
    public const string Pending = "PENDING";
    public const string Claimed = "CLAIMED";
    public const string Submitted = "SUBMITTED";
    public const string Started = "STARTED";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
    public const string Cancelled = "CANCELLED";

    public static readonly IReadOnlyList<string> All = [Pending, Claimed, Submitted, Started, Completed, Failed, Cancelled];
    public static readonly IReadOnlyList<string> Terminal = [Completed, Failed, Cancelled];
    /// <summary>Statuses in which a worker owns a job and must keep tracking it.</summary>
    public static readonly IReadOnlyList<string> InFlight = [Claimed, Submitted, Started];

    private static readonly Dictionary<string, string[]> Edges = new(StringComparer.Ordinal)
    {
        [Pending] = [Claimed, Cancelled],
        [Claimed] = [Submitted, Failed, Cancelled],
        [Submitted] = [Started, Failed, Cancelled],
        [Started] = [Completed, Failed, Cancelled],
        [Completed] = [],
        [Failed] = [],
        [Cancelled] = [],
    };

    public static bool IsKnown(string? status) => status is not null && Edges.ContainsKey(status);
    public static bool IsTerminal(string? status) => status is Completed or Failed or Cancelled;
    public static IReadOnlyList<string> AllowedFrom(string status) => Edges.TryGetValue(status, out var to) ? to : [];
    public static bool IsLegal(string from, string to) => AllowedFrom(from).Contains(to);

    /// <summary>Position along the happy path, used to decide whether a local view is behind the server.</summary>
    public static int Rank(string status) => status switch
    {
        Pending => 0, Claimed => 1, Submitted => 2, Started => 3, _ => 4,
    };
}
