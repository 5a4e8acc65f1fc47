using System.CommandLine;
using System.Runtime.InteropServices;
using Emx2Hpc.Core.Cycle;

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
            var (log, redactor) = HostSetup.Logging(parse);
            var config = HostSetup.LoadConfig(parse, redactor);
            if (config is null) return ExitCodes.Usage;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Cancel(); });
            var options = new CycleRunnerOptions { Simulate = parse.GetValue(simulate) };
            if (parse.GetValue(OnceCommand.Shadow))
            {
                await new Core.Cycle.Shadow.ShadowRunner(config, options, log).RunLoopAsync(stop.Token);
                return ExitCodes.Success;
            }
            using var runner = new CycleRunner(config, options, log);
            try
            {
                await runner.RunLoopAsync(stop.Token);
            }
            catch (Exception ex) when (ex is Core.Emx2.Emx2ApiException or HttpRequestException)
            {
                log.Error($"cannot start: {ex.Message}");
                return ExitCodes.WorkFailed;
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
