using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Processes;

namespace Emx2Hpc.Core.Status;

/// <summary>One cheap question to the scheduler: Slurm's `scontrol ping` (answers from slurmctld without touching
/// any job). The simulated scheduler has no server to lose, so it is always reachable; the detail says where its
/// jobs live.</summary>
internal static class SchedulerProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<ServiceProbe> SlurmAsync(IProcessRunner runner, CancellationToken ct)
    {
        try
        {
            var result = await runner.RunAsync(new ProcessCommand("scontrol", ["ping"], Timeout), ct);
            var text = (result.Stdout + " " + result.Stderr).Trim().ReplaceLineEndings(" ");
            var up = result.ExitCode == 0 && text.Contains(" is UP", StringComparison.Ordinal);
            return new ServiceProbe("slurm", up, null, up ? text : $"scontrol ping exit {result.ExitCode}: {text}");
        }
        catch (SchedulerUnavailableException ex)
        {
            return new ServiceProbe("slurm", false, null, ex.Message);
        }
    }

    public static ServiceProbe Simulated(string stateDirectory) =>
        new("simulated", true, null, Directory.Exists(stateDirectory) ? $"jobs in {stateDirectory}" : $"no job submitted yet ({stateDirectory})");
}
