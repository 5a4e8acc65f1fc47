using System.CommandLine;
using Emx2Hpc.Core.Takeover;

namespace Emx2Hpc.Cli.Commands;

/// <summary>`import-python-state [--from PATH] [--apply]`: prints how each job the Python emx2-hpc-daemon tracks
/// would be carried over; --apply writes it. Exit 1 when a row is refused or the Python daemon is still active.</summary>
internal static class ImportPythonStateCommand
{
    public static Command Create()
    {
        var from = new Option<string?>("--from") { Description = "The Python daemon's state database (default: ~/.local/share/hpc-daemon/state.db)" };
        var apply = new Option<bool>("--apply") { Description = "Write the plan into this worker's state database (default: only print it)" };
        var command = new Command("import-python-state", "Take over the jobs the Python emx2-hpc-daemon tracks") { from, apply, OnceCommand.Simulate };
        command.SetAction(async (parse, ct) =>
        {
            using var session = HostSetup.Open(HostSetup.SessionOptions(parse) with { Simulate = parse.GetValue(OnceCommand.Simulate) });
            if (session is null) return ExitCodes.Usage;
            try
            {
                var plan = await session.PlanPythonImportAsync(parse.GetValue(from), ct);
                if (parse.GetValue(apply) && plan.Blockers.Count == 0) plan = await session.ApplyPythonImportAsync(plan, ct);
                foreach (var line in plan.Describe()) Console.WriteLine(line);
                return plan.Blockers.Count > 0 && parse.GetValue(apply) || plan.Count(ImportAction.Refuse) > 0 ? ExitCodes.WorkFailed : ExitCodes.Success;
            }
            catch (InvalidOperationException ex)
            {
                Console.Error.WriteLine($"emx2-hpc: {ex.Message}");
                return ExitCodes.WorkFailed;
            }
        });
        return command;
    }
}
