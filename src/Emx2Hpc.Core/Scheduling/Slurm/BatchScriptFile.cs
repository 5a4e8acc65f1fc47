namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>Writes job.sbatch owner-only (0700: it names paths and carries job parameters) and atomically, so a
/// crash never leaves a half-written script that a later resubmission would pick up.</summary>
internal static class BatchScriptFile
{
    public static void Write(string path, string script)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        using (var writer = new StreamWriter(temp, new System.Text.UTF8Encoding(false), options)) writer.Write(script);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Move(temp, path, overwrite: true);
    }
}
