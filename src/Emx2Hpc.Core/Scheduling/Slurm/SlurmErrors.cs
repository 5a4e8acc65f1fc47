namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>Recognises Slurm client error text (as printed by 22.05; the wording is stable across releases).</summary>
internal static class SlurmErrors
{
    private static readonly string[] Unreachable =
    [
        "Unable to contact slurm controller",   // squeue/sbatch/scancel with slurmctld down
        "Socket timed out",
        "Connection refused",
        "Zero Bytes were transmitted or received",
        "Problem talking to the database",      // sacct with slurmdbd down
        "slurm_persist_conn_open",
        "Slurm backup controller in standby mode",
        "Transport endpoint is not connected",
    ];

    private static readonly string[] AlreadyGone =
    [
        "Invalid job id specified",
        "already completing or completed",
        "Job/step already completing or completed",
    ];

    /// <summary>sbatch refusals an admin lifts: the job is not created, the same submission works later.</summary>
    private static readonly string[] DeferredByAdmin =
    [
        "Required partition not available (inactive or drain)", // partition State=DRAIN or INACTIVE (22.05)
    ];

    public static bool IsDeferredByAdmin(string stderr) => DeferredByAdmin.Any(s => stderr.Contains(s, StringComparison.OrdinalIgnoreCase));

    public static bool IsUnreachable(string stderr) => Unreachable.Any(s => stderr.Contains(s, StringComparison.OrdinalIgnoreCase));

    public static bool IsAlreadyGone(string stderr) => AlreadyGone.Any(s => stderr.Contains(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>squeue prints some errors (an unknown -u user, seen on 22.05) on stderr yet exits 0 with no rows;
    /// treating that as "no jobs" would make every job look absent.</summary>
    public static bool ReportsError(string stderr) => stderr.Contains("error", StringComparison.OrdinalIgnoreCase);

    public static string OneLine(string text)
    {
        var trimmed = text.Trim().ReplaceLineEndings(" | ");
        return trimmed.Length <= 2000 ? trimmed : trimmed[..2000] + "…";
    }
}
