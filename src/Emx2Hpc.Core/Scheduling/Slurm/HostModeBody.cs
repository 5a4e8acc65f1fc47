namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>Host mode: export the HPC_* contract and the job's variables, enter the work directory and exec the
/// entrypoint with the job's arguments. Every value is single-quoted; the entrypoint is one executable path.</summary>
internal static class HostModeBody
{
    public static IEnumerable<string> Lines(BatchJobSpec spec)
    {
        var entrypoint = spec.Execution.HostEntrypoint;
        if (string.IsNullOrWhiteSpace(entrypoint))
            throw ScriptValueGuard.Reject("execution.host_entrypoint", "is required in host mode");
        ScriptValueGuard.NoNul(entrypoint, "execution.host_entrypoint");

        var d = spec.Directories;
        yield return PosixShell.Export("HPC_JOB_ID", spec.Emx2JobId);
        yield return PosixShell.Export("HPC_INPUT_DIR", d.Input);
        yield return PosixShell.Export("HPC_OUTPUT_DIR", d.Output);
        yield return PosixShell.Export("HPC_WORK_DIR", d.Work);
        yield return PosixShell.Export("HPC_PARAMETERS", spec.ParametersJson);
        foreach (var (name, value) in JobEnvironment.Ordered(spec)) yield return PosixShell.Export(name, value);
        yield return "cd -- " + PosixShell.Quote(d.Work);
        yield return "exec " + PosixShell.QuoteAll([entrypoint, .. spec.Args]);
    }

}
