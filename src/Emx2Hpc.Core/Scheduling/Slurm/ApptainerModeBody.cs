namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>Apptainer mode: run the container with a clean environment and the fixed mount points, keep its
/// stdout/stderr in the output directory, and exit with its status (printing the tail of stderr on failure so the
/// Slurm log explains it).
///
/// Only constant-shaped values travel as --env flags. The parameters JSON and the job's variables are written to
/// an --env-file of single-quoted assignments instead, because apptainer parses an --env value containing more
/// than one '=' as CSV (commas split it, quotes are errors) and strips surrounding double quotes otherwise, so
/// arbitrary values would not arrive intact. The env file is shell-parsed by apptainer, where single quotes are
/// literal. Containers get the same HPC_* variables as host mode (the Python daemon gave containers none), pointing at the mount points.</summary>
internal static class ApptainerModeBody
{
    public const string EnvFileName = "container.env";

    public static IEnumerable<string> Lines(BatchJobSpec spec)
    {
        var x = spec.Execution;
        if (string.IsNullOrWhiteSpace(x.SifImage)) throw ScriptValueGuard.Reject("execution.sif_image", "is required in apptainer mode");
        if (string.IsNullOrWhiteSpace(x.ContainerEntrypoint))
            throw ScriptValueGuard.Reject("execution.container_entrypoint", "is required in apptainer mode");
        ScriptValueGuard.NoNul(x.SifImage, "execution.sif_image");
        ScriptValueGuard.NoNul(x.ContainerEntrypoint, "execution.container_entrypoint");

        var d = spec.Directories;
        var envFileLines = new List<string> { PosixShell.Export("HPC_PARAMETERS", spec.ParametersJson) };
        envFileLines.AddRange(JobEnvironment.Ordered(spec).Select(e => PosixShell.Export(e.Key, e.Value)));

        yield return "stdout_log=" + PosixShell.Quote(Path.Combine(d.Output, "container-stdout.log"));
        yield return "stderr_log=" + PosixShell.Quote(Path.Combine(d.Output, "container-stderr.log"));
        yield return "env_file=" + PosixShell.Quote(Path.Combine(d.Root, EnvFileName));
        yield return "(umask 077 && printf '%s\\n' " + PosixShell.QuoteAll(envFileLines) + " > \"$env_file\")";
        yield return "status=0";
        var command = new List<string>
        {
            "exec", "--cleanenv", "--bind", BindList(spec), "--pwd", "/work",
            "--env", "HPC_JOB_ID=" + spec.Emx2JobId,
            "--env", "HPC_INPUT_DIR=/input", "--env", "HPC_OUTPUT_DIR=/output", "--env", "HPC_WORK_DIR=/work",
        };
        yield return "apptainer " + PosixShell.QuoteAll(command) + " --env-file \"$env_file\" "
            + PosixShell.QuoteAll([x.SifImage, x.ContainerEntrypoint, .. spec.Args])
            + " > \"$stdout_log\" 2> \"$stderr_log\" || status=$?";
        yield return "printf 'emx2-hpc: container exited with status %s at %s\\n' \"$status\" \"$(date -Iseconds)\"";
        yield return "if [ \"$status\" -ne 0 ] && [ -s \"$stderr_log\" ]; then";
        yield return "  printf '%s\\n' '--- last 20 lines of container stderr ---' >&2";
        yield return "  tail -n 20 -- \"$stderr_log\" >&2";
        yield return "  printf '%s\\n' '--- end of container stderr ---' >&2";
        yield return "fi";
        yield return "exit \"$status\"";
    }

    private static string BindList(BatchJobSpec spec)
    {
        var d = spec.Directories;
        var binds = new List<string> { $"{d.Input}:/input:ro", $"{d.Output}:/output", $"{d.Work}:/work" };
        for (var i = 0; i < spec.Execution.BindPaths.Count; i++)
        {
            var bind = spec.Execution.BindPaths[i];
            var field = $"execution.bind_paths[{i}]";
            if (string.IsNullOrWhiteSpace(bind)) throw ScriptValueGuard.Reject(field, "is empty");
            ScriptValueGuard.NoNul(bind, field);
            if (bind.Contains(',') || bind.Contains('\n') || bind.Contains('\r'))
                throw ScriptValueGuard.Reject(field, "contains ',' or a line break, which would split the --bind list");
            binds.Add(bind);
        }
        return string.Join(',', binds);
    }
}
