using System.Security.Cryptography;
using System.Text;

namespace Emx2Hpc.Core.Protocol;

/// <summary>Lower-case hex SHA-256, the only hash format the protocol uses (body hashes, file hashes,
/// Content-SHA256, tree hashes).</summary>
public static class BodyHash
{
    /// <summary>SHA-256 of zero bytes: the body hash of every GET/DELETE/bodyless POST.</summary>
    public const string Empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static string Of(ReadOnlySpan<byte> bytes) => Hex.Lower(SHA256.HashData(bytes));

    /// <summary>Hash of a JSON body: the server re-encodes the body string as UTF-8, so clients must hash
    /// exactly the bytes they send.</summary>
    public static string OfUtf8(string text) => Of(Encoding.UTF8.GetBytes(text));

    public static async Task<string> OfStreamAsync(Stream stream, CancellationToken ct = default) =>
        Hex.Lower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));

    public static async Task<string> OfFileAsync(string path, CancellationToken ct = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await OfStreamAsync(stream, ct).ConfigureAwait(false);
    }

    /// <summary>True for exactly 64 lower-case hex characters (the form the upload handler requires after
    /// trimming and lower-casing).</summary>
    public static bool IsLowerHex64(string? value) =>
        value is { Length: 64 } && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
