namespace Emx2Hpc.Core.Staging;

/// <summary>What the worker recorded about one posix input view of one job. Ready is written only after the view was
/// built, verified and renamed into place; a view found Building (or with no record) is rebuilt from scratch.</summary>
public sealed record PosixViewRecord(bool Ready, string? TreeSha256, long CopiedBytes);

/// <summary>Where staging records its posix views before and after building them (the cycle keeps this in SQLite), so a
/// kill -9 mid-staging converges: the next attempt finds the half-built view marked Building, removes it and builds
/// it again, and finds finished views Ready and does not read their (possibly terabytes of) files again.</summary>
public interface IStagedInputJournal
{
    PosixViewRecord? Find(string jobId, string artifactId);
    void Building(string jobId, string artifactId);
    void Ready(string jobId, string artifactId, string? treeSha256, int linkedFiles, int copiedFiles, long copiedBytes);
}

/// <summary>A journal that remembers nothing: every staging rebuilds every view (correct, only slower after a crash).</summary>
public sealed class NoStagedInputJournal : IStagedInputJournal
{
    public static readonly NoStagedInputJournal Instance = new();
    public PosixViewRecord? Find(string jobId, string artifactId) => null;
    public void Building(string jobId, string artifactId) { }
    public void Ready(string jobId, string artifactId, string? treeSha256, int linkedFiles, int copiedFiles, long copiedBytes) { }
}
