using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Emulator.Storage;

/// <summary>One transaction's view of the database, handed to repository code by <see cref="HpcDatabase"/>.</summary>
internal sealed class DbSession(SqliteConnection connection, SqliteTransaction transaction)
{
    private JobRepository? _jobs;
    private TransitionRepository? _transitions;
    private ArtifactRepository? _artifacts;
    private FileRepository? _files;
    private WorkerRepository? _workers;
    private CredentialRepository? _credentials;

    public JobRepository Jobs => _jobs ??= new JobRepository(this);
    public TransitionRepository Transitions => _transitions ??= new TransitionRepository(this);
    public ArtifactRepository Artifacts => _artifacts ??= new ArtifactRepository(this);
    public FileRepository Files => _files ??= new FileRepository(this);
    public WorkerRepository Workers => _workers ??= new WorkerRepository(this);
    public CredentialRepository Credentials => _credentials ??= new CredentialRepository(this);

    public SqliteCommand Command(string sql, params (string Name, object? Value)[] args)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in args) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public int Execute(string sql, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        return command.ExecuteNonQuery();
    }

    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(map(reader));
        return rows;
    }

    public T? QuerySingle<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] args) where T : class =>
        Query(sql, map, args).FirstOrDefault();

    public T Scalar<T>(string sql, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
