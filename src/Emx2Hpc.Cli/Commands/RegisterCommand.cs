using System.CommandLine;
using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Emx2;

namespace Emx2Hpc.Cli.Commands;

/// <summary>`register`: registers the worker and its capabilities; exit 1 when EMX2 refuses (gap 2: the Python
/// daemon printed success and exited 0 even then).</summary>
internal static class RegisterCommand
{
    public static Command Create()
    {
        var command = new Command("register", "Register this worker and its capabilities with EMX2");
        command.SetAction(async (parse, ct) =>
        {
            var (log, redactor) = HostSetup.Logging(parse);
            var config = HostSetup.LoadConfig(parse, redactor);
            if (config is null) return ExitCodes.Usage;
            using var runner = new CycleRunner(config, new CycleRunnerOptions { Simulate = true }, log);
            try
            {
                var registration = await runner.RegisterAsync(ct);
                Console.WriteLine($"Registered worker {registration.WorkerId}");
                Console.WriteLine($"Capabilities: {config.Profiles.Count}");
                foreach (var p in config.Profiles) Console.WriteLine($"  - {p.Processor} / {p.Profile}");
                return ExitCodes.Success;
            }
            catch (Emx2ApiException ex)
            {
                Console.Error.WriteLine($"Registration failed: {ex.Message}");
                return ExitCodes.WorkFailed;
            }
        });
        return command;
    }
}
