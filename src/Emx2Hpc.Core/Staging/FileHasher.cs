using Emx2Hpc.Core.FileSystem;

namespace Emx2Hpc.Core.Staging;

/// <summary>Path-based front of <see cref="ContentHash"/> for files the worker wrote itself in its private job
/// directory (downloaded inputs). Anything a job can write is hashed from a checked descriptor instead.</summary>
public static class FileHasher
{
    public static (string Sha256, long Size) Hash(string path) => ContentHash.OfTrustedFile(path);

    public static Task<(string Sha256, long Size)> HashAsync(string path, CancellationToken ct) => ContentHash.OfTrustedFileAsync(path, ct);

    /// <summary>Case-insensitive comparison of hex digests (clients may have committed upper-case hashes).</summary>
    public static bool SameHash(string? a, string? b) => ContentHash.Same(a, b);
}
