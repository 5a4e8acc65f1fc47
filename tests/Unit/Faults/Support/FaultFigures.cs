using System.Globalization;
using System.Text;

namespace Emx2Hpc.Tests.Unit.Faults.Support;

/// <summary>Totals of a fault campaign, printed to the test output and written to a file so they can be quoted
/// (default &lt;repo&gt;/out/faults/summary.txt, or $EMX2HPC_FAULT_SUMMARY).</summary>
internal sealed class FaultFigures(string title)
{
    public int Trials { get; set; }
    public int KillsLanded { get; set; }
    public int Jobs { get; set; }
    public int Lost { get; set; }
    public int Duplicated { get; set; }
    public int Orphans { get; set; }
    public int Violations { get; set; }
    public int DaemonRuns { get; set; }
    public int MaxRunsToConverge { get; set; }
    public TimeSpan Elapsed { get; set; }
    public Dictionary<string, int> KillPhases { get; } = new(StringComparer.Ordinal);
    public List<string> Notes { get; } = [];
    public List<string> Problems { get; } = [];

    public void Add(TrialResult result)
    {
        Jobs += result.Jobs;
        Lost += result.Lost;
        Duplicated += result.Duplicated;
        Orphans += result.Orphans;
        Violations += result.Violations;
    }

    public string ToText()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(title).Append('\n');
        sb.Append(inv, $"trials:        {Trials}\n");
        sb.Append(inv, $"kills landed:  {KillsLanded} (SIGKILL while the daemon was still running)\n");
        sb.Append(inv, $"jobs:          {Jobs}\n");
        sb.Append(inv, $"lost:          {Lost} (not terminal, or terminal with the wrong status)\n");
        sb.Append(inv, $"duplicated:    {Duplicated} (extra scheduler submissions + extra artifacts)\n");
        sb.Append(inv, $"orphans:       {Orphans} (unreferenced empty CREATED artifacts: killed between POST /artifacts and recording its id)\n");
        sb.Append(inv, $"violations:    {Violations} (illegal history, referenced artifact not COMMITTED or wrong hash, ...)\n");
        sb.Append(inv, $"daemon runs:   {DaemonRuns} (max {MaxRunsToConverge} per trial to converge)\n");
        sb.Append(inv, $"runtime:       {Elapsed.TotalSeconds:0.0} s\n");
        if (KillPhases.Count > 0)
        {
            sb.Append("kills by phase (last thing the daemon logged before SIGKILL):\n");
            foreach (var (phase, n) in KillPhases.OrderBy(p => KillPhase.Order(p.Key)))
                sb.Append(inv, $"  {phase,-10} {n}\n");
        }
        foreach (var note in Notes) sb.Append(note).Append('\n');
        if (Problems.Count > 0)
        {
            sb.Append("problems:\n");
            foreach (var p in Problems.Take(200)) sb.Append("  ").Append(p).Append('\n');
        }
        return sb.ToString();
    }

    public string Write(string defaultFileName = "summary.txt")
    {
        var path = Environment.GetEnvironmentVariable("EMX2HPC_FAULT_SUMMARY") is { Length: > 0 } env && defaultFileName == "summary.txt"
            ? env
            : Path.Combine(RepoRoot(), "out", "faults", defaultFileName);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, ToText());
        return path;
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Emx2Hpc.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}

/// <summary>Where in a cycle a kill landed, judged from the last line the daemon logged (-v shows every request).</summary>
internal static class KillPhase
{
    private static readonly string[] Phases = ["startup", "register", "reconcile", "poll", "claim", "staging", "submit", "monitor", "upload", "report", "complete", "exit", "other"];

    public static int Order(string phase) => Array.IndexOf(Phases, phase) is var i and >= 0 ? i : Phases.Length;

    public static string Of(string? line)
    {
        if (line is null) return "startup";
        if (line.Contains("cycle complete", StringComparison.Ordinal) || line.Contains("cycle skipped", StringComparison.Ordinal)) return "exit";
        if (line.Contains("/workers/register", StringComparison.Ordinal) || line.Contains("registered worker", StringComparison.Ordinal)) return "register";
        if (line.Contains("/complete ", StringComparison.Ordinal)) return "complete";
        if (line.Contains("reported COMPLETED", StringComparison.Ordinal) || line.Contains("reported FAILED", StringComparison.Ordinal)) return "complete";
        if (line.Contains("reported ", StringComparison.Ordinal) || line.Contains("/transition ", StringComparison.Ordinal)) return "report";
        if (line.Contains("status=PENDING", StringComparison.Ordinal)) return "poll";
        if (line.Contains("/api/hpc/jobs?status=", StringComparison.Ordinal) || line.Contains("adopted", StringComparison.Ordinal)) return "reconcile";
        if (line.Contains("/claim ", StringComparison.Ordinal) || line.Contains("claimed job", StringComparison.Ordinal)) return "claim";
        if (line.Contains("staged input", StringComparison.Ordinal) || line.Contains("input file", StringComparison.Ordinal) || (line.Contains("GET /api/hpc/artifacts/", StringComparison.Ordinal))) return "staging";
        if (line.Contains("submitted", StringComparison.Ordinal) || line.Contains("command=sbatch", StringComparison.Ordinal)) return "submit";
        if (line.Contains("command=squeue", StringComparison.Ordinal) || line.Contains("command=sacct", StringComparison.Ordinal)) return "monitor";
        if (line.Contains("POST /api/hpc/artifacts", StringComparison.Ordinal) || line.Contains("PUT /api/hpc/artifacts/", StringComparison.Ordinal)
            || line.Contains("committed ", StringComparison.Ordinal)) return "upload";
        if (line.Contains("started (", StringComparison.Ordinal) || line.Contains("finished as", StringComparison.Ordinal)) return "monitor";
        if (line.Contains("GET /api/hpc/jobs/", StringComparison.Ordinal)) return "reconcile";
        return "other";
    }
}
