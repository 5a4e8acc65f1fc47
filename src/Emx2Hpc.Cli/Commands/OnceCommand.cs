using System.CommandLine;
using Emx2Hpc.Core.Cycle;

namespace Emx2Hpc.Cli.Commands;

/// <summary>`once`: one cycle, for cron. Exit 1 when EMX2 was unreachable or refused us, so cron notices
/// (gap 2); an overlapping run exits 0 with a message.</summary>
internal static class OnceCommand
{
    public static readonly Option<bool> Simulate = new("--simulate") { Description = "Use the simulated scheduler instead of Slurm" };
    public static readonly Option<int> LockWait = new("--lock-wait") { Description = "Seconds to wait for a running cycle before skipping", DefaultValueFactory = _ => 0 };

    public static Command Create()
    {
        var command = new Command("once", "Run one cycle (cron entry point)") { Simulate, LockWait };
        command.SetAction(async (parse, ct) =>
        {
            var (log, redactor) = HostSetup.Logging(parse);
            var config = HostSetup.LoadConfig(parse, redactor);
            if (config is null) return ExitCodes.Usage;
            using var runner = new CycleRunner(config, new CycleRunnerOptions
            {
                Simulate = parse.GetValue(Simulate), LockWait = TimeSpan.FromSeconds(parse.GetValue(LockWait)),
                Timeline = HostSetup.Timeline,
            }, log);
            var report = await runner.RunOnceAsync(ct: ct);
            return report.Emx2Unreachable ? ExitCodes.WorkFailed : ExitCodes.Success;
        });
        return command;
    }
}
