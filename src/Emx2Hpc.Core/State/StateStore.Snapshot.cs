using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Core.State;

public sealed partial class StateStore
{
    /// <summary>An in-memory copy of the state database for a shadow cycle: it reads what the real store holds and
    /// takes the cycle's writes, and the file is never written (opened read-only for the copy, not created when
    /// absent). A consistent copy even while a real cycle writes, through SQLite's online backup.</summary>
    public static StateStore OpenSnapshot(string path, Diagnostics.HpcLog? log = null)
    {
        InitialiseSqlite();
        var full = System.IO.Path.GetFullPath(path);
        if (PythonStateFile.Identify(full) is { } foreign)
            throw new InvalidOperationException($"state database {full} is {foreign}; set worker.state_db to this worker's own file");
        var memory = new SqliteConnection("Data Source=:memory:");
        try
        {
            memory.Open();
            var existed = File.Exists(full) && new FileInfo(full).Length > 0;
            if (existed)
            {
                using var source = PythonStateFile.OpenReadOnly(full);
                source.BackupDatabase(memory);
            }
            Migrate(memory);
            var recreated = !existed || IsEmpty(memory);
            if (recreated) Stamp(memory);
            return new StateStore(full, memory, log ?? Diagnostics.HpcLog.Null, recreated, null);
        }
        catch
        {
            memory.Dispose();
            throw;
        }
    }
}
