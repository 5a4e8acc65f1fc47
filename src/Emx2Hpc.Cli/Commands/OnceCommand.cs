using System.CommandLine;

namespace Emx2Hpc.Cli.Commands;

/// <summary>`once`: one cycle, for cron. Exit 1 when EMX2 was unreachable or refused us, so cron notices
/// (the Python daemon logged the failure and exited 0); an overlapping run exits 0 with a message, unless the lock has been held far longer than a cycle may
/// run (a stuck worker): then it exits 1.</summary>
internal static class OnceCommand
{
    public static readonly Option<bool> Simulate = new("--simulate") { Description = "Use the simulated scheduler instead of Slurm" };
    public static readonly Option<bool> Shadow = new("--shadow")
    {
        Description = "Change nothing: read EMX2 and the scheduler, log what the cycle would do (claims, submissions, reports, cancellations, uploads)",
    };
    public static readonly Option<int> LockWait = new("--lock-wait") { Description = "Seconds to wait for a running cycle before skipping", DefaultValueFactory = _ => 0 };

    public static Command Create()
    {
        var command = new Command("once", "Run one cycle (cron entry point)") { Simulate, LockWait, Shadow };
        command.SetAction(async (parse, ct) =>
        {
            using var session = HostSetup.Open(HostSetup.SessionOptions(parse) with
            {
                Simulate = parse.GetValue(Simulate), LockWait = TimeSpan.FromSeconds(parse.GetValue(LockWait)),
            });
            if (session is null) return ExitCodes.Usage;
            if (parse.GetValue(Shadow))
                return (await session.InvokeShadowCycleAsync(ct)).Emx2Unreachable ? ExitCodes.WorkFailed : ExitCodes.Success;
            var report = await session.InvokeCycleAsync(ct);
            return report.Emx2Unreachable || report.LockStuck || report.InstanceConflict is not null ? ExitCodes.WorkFailed : ExitCodes.Success;
        });
        return command;
    }
}
