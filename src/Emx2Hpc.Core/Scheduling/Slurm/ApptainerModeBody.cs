namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>Apptainer mode: run the container isolated from the host (<see cref="IsolationFlags"/>) with a clean
/// environment and only the job's own mount points, keep its
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

    /// <summary>Apptainer shares the host by default: $HOME, /tmp, /var/tmp and the current directory are bound in,
    /// and the host environment is passed through. A container would then see every other job's directory under a
    /// shared tmp root and the daemon's state and secret under its home. --containall gives it its own /tmp, /dev,
    /// IPC and PID namespaces and implies --cleanenv (kept explicit so the intent survives a flag change); --no-home
    /// keeps even an empty home out; --no-mount cwd stops the host working directory from being bound in (tmp stays
    /// the private one --containall creates: the image's own /tmp is read-only). Site-wide "bind path" entries in
    /// apptainer.conf stay, being the cluster admin's choice. What remains is exactly the job's own
    /// input/output/work and the configured <c>apptainer.bind_paths</c> (<see cref="BindList"/>).</summary>
    public static readonly IReadOnlyList<string> IsolationFlags = ["--containall", "--cleanenv", "--no-home", "--no-mount", "cwd"];

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
        List<string> command =
        [
            "exec", .. IsolationFlags, "--bind", BindList(spec), "--pwd", "/work",
            "--env", "HPC_JOB_ID=" + spec.Emx2JobId,
            "--env", "HPC_INPUT_DIR=/input", "--env", "HPC_OUTPUT_DIR=/output", "--env", "HPC_WORK_DIR=/work",
        ];
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
