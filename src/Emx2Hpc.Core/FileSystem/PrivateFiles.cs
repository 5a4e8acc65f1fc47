namespace Emx2Hpc.Core.FileSystem;

/// <summary>Everything the worker creates is private to its service account: job parameters (including environment
/// values) live in the state database and its WAL, job directories hold inputs and results. The hosts may run under
/// any umask (an interactive pwsh commonly has 022), so modes are set explicitly instead of relying on it.</summary>
public static class PrivateFiles
{
    public const UnixFileMode Directory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates a directory (and missing parents) owner-only; an existing one is left as it is.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(path);
        else System.IO.Directory.CreateDirectory(path, Directory);
    }

    /// <summary>Before SQLite opens <paramref name="databasePath"/>: its directory exists (owner-only when created
    /// here), the database file exists with mode 0600, and existing -wal/-shm/-journal files are 0600. SQLite gives
    /// the journal files it creates the mode of the database file, so 0600 on the database covers them too.</summary>
    public static void PrepareDatabase(string databasePath)
    {
        CreateDirectory(Path.GetDirectoryName(databasePath)!);
        if (OperatingSystem.IsWindows()) return;
        if (!System.IO.File.Exists(databasePath))
        {
            try
            {
                using var _ = new FileStream(databasePath, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = File,
                });
            }
            catch (IOException) when (System.IO.File.Exists(databasePath))
            {
                // another process created it first; fixed below like any existing file
            }
        }
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            var file = databasePath + suffix;
            if (System.IO.File.Exists(file) && (System.IO.File.GetUnixFileMode(file) & ~File) != 0)
                System.IO.File.SetUnixFileMode(file, File);
        }
    }
}
