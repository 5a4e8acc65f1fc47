using System.CommandLine;
using Emx2Hpc.Core.Emx2;

namespace Emx2Hpc.Cli.Commands;

/// <summary>`register`: registers the worker and its capabilities; exit 1 when EMX2 refuses (the Python daemon
/// printed success and exited 0 even then). Touches neither the state database nor a scheduler.</summary>
internal static class RegisterCommand
{
    public static Command Create()
    {
        var command = new Command("register", "Register this worker and its capabilities with EMX2");
        command.SetAction(async (parse, ct) =>
        {
            using var session = HostSetup.Open(HostSetup.SessionOptions(parse));
            if (session is null) return ExitCodes.Usage;
            try
            {
                var registration = await session.RegisterAsync(ct);
                Console.WriteLine($"Registered worker {registration.WorkerId}");
                Console.WriteLine($"Capabilities: {session.Config.Profiles.Count}");
                foreach (var p in session.Config.Profiles) Console.WriteLine($"  - {p.Processor} / {p.Profile}");
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
