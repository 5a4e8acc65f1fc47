using System.CommandLine;
using System.Runtime.InteropServices;

namespace Emx2Hpc.Cli.Commands;

/// <summary>`run`: the long-running daemon. SIGTERM/SIGINT stop accepting work; the loop exits within one
/// poll interval at most (at once when idle), Slurm jobs keep running.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var simulate = new Option<bool>("--simulate") { Description = "Use the simulated scheduler instead of Slurm" };
        var command = new Command("run", "Run cycles every poll interval until SIGTERM/SIGINT") { simulate, OnceCommand.Shadow };
        command.SetAction(async (parse, ct) =>
        {
            using var session = HostSetup.Open(HostSetup.SessionOptions(parse) with { Simulate = parse.GetValue(simulate) });
            if (session is null) return ExitCodes.Usage;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Cancel(); });
            try
            {
                if (parse.GetValue(OnceCommand.Shadow)) await session.RunShadowDaemonAsync(stop.Token);
                else await session.RunDaemonAsync(stop.Token);
            }
            catch (Exception ex) when (ex is Core.Emx2.Emx2ApiException or HttpRequestException)
            {
                session.Log.Error($"cannot start: {ex.Message}");
                return ExitCodes.WorkFailed;
            }
            catch (Core.State.InstanceConflictException)
            {
                return ExitCodes.WorkFailed; // already logged with its reason by the runner
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
