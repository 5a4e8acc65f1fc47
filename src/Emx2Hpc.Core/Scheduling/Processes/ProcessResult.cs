namespace Emx2Hpc.Core.Scheduling.Processes;

/// <summary>What a finished command left behind. A command that timed out never produces a result: the runner
/// throws instead, because its output would be partial.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed);
