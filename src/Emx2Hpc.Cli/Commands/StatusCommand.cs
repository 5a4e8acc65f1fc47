using System.CommandLine;
using Emx2Hpc.Core.Status;

namespace Emx2Hpc.Cli.Commands;

/// <summary>`status`: one screen (or JSON) about the worker's health. Exit 0 healthy, 1 unhealthy, 2 configuration
/// error, so it can be a monitoring check as it is.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the status as JSON" };
        var simulate = new Option<bool>("--simulate") { Description = "Ping the simulated scheduler instead of Slurm" };
        var command = new Command("status", "Show the worker's health (exit 0 healthy, 1 unhealthy)") { json, simulate };
        command.SetAction(async (parse, ct) =>
        {
            using var session = HostSetup.Open(HostSetup.SessionOptions(parse) with { Simulate = parse.GetValue(simulate) });
            if (session is null) return ExitCodes.Usage;
            var status = await session.GetStatusAsync(ct);
            if (parse.GetValue(json)) Console.Out.WriteLine(WorkerStatusText.ToJson(status));
            else foreach (var line in WorkerStatusText.Lines(status)) Console.Out.WriteLine(line);
            return status.Healthy ? ExitCodes.Success : ExitCodes.WorkFailed;
        });
        return command;
    }
}
