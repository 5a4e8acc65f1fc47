using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Emulator.Storage;

/// <summary>The emulator's SQLite database. One connection, one async gate: every operation runs alone inside its
/// own transaction, so a claim's conditional update, capability check and transition row are atomic and N racing
/// claimants get exactly one winner. Throwing inside an operation rolls it back (that is how a failed capability
/// or capacity check undoes the claim).</summary>
internal sealed class HpcDatabase : IDisposable
{
    private static int _sqliteInitialised;

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    private HpcDatabase(SqliteConnection connection) => _connection = connection;

    /// <summary>Opens (and creates the schema of) a file database, or a private in-memory one when
    /// <paramref name="statePath"/> is null. The in-memory database lives as long as this object's connection.</summary>
    public static HpcDatabase Open(string? statePath)
    {
        if (Interlocked.Exchange(ref _sqliteInitialised, 1) == 0) SQLitePCL.Batteries_V2.Init();
        var builder = new SqliteConnectionStringBuilder { Pooling = false };
        if (statePath is null)
        {
            builder.DataSource = $"emx2-hpc-emulator-{Guid.NewGuid():N}";
            builder.Mode = SqliteOpenMode.Memory;
            builder.Cache = SqliteCacheMode.Shared;
        }
        else
        {
            var full = Path.GetFullPath(statePath);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            builder.DataSource = full;
            builder.Mode = SqliteOpenMode.ReadWriteCreate;
        }
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        try
        {
            if (statePath is not null) Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
            Execute(connection, Schema.Create);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return new HpcDatabase(connection);
    }

    public async Task<T> RunAsync<T>(Func<DbSession, T> work, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return RunLocked(work);
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task RunAsync(Action<DbSession> work, CancellationToken ct = default) =>
        RunAsync(s => { work(s); return true; }, ct);

    /// <summary>Synchronous variant for the in-process inspection and back-door API.</summary>
    public T Run<T>(Func<DbSession, T> work)
    {
        _gate.Wait();
        try
        {
            return RunLocked(work);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Run(Action<DbSession> work) => Run(s => { work(s); return true; });

    /// <summary>Health's database probe.</summary>
    public bool Probe()
    {
        try
        {
            return Run(s => s.Scalar<long>("SELECT 1") == 1);
        }
        catch (Exception ex) when (ex is SqliteException or ObjectDisposedException or InvalidOperationException)
        {
            return false;
        }
    }

    private T RunLocked<T>(Func<DbSession, T> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var transaction = _connection.BeginTransaction();
        var result = work(new DbSession(_connection, transaction));
        transaction.Commit();
        return result;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _gate.Wait();
        try
        {
            if (_disposed) return;
            _disposed = true;
            _connection.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }
}
