namespace Emx2Hpc.Core.Scheduling.Processes;

/// <summary>Runs scheduler commands. Kept behind an interface so SlurmCli's command lines and its handling of
/// every exit path can be tested without a cluster.</summary>
public interface IProcessRunner
{
    /// <summary>Runs the command to completion and returns its exit code and output. Throws
    /// <see cref="SchedulerUnavailableException"/> when the executable cannot be found or started, or when the
    /// command outlives <see cref="ProcessCommand.Timeout"/> (the process tree is killed first);
    /// <see cref="OperationCanceledException"/> when <paramref name="ct"/> fires (also after killing the tree).</summary>
    Task<ProcessResult> RunAsync(ProcessCommand command, CancellationToken ct);
}
