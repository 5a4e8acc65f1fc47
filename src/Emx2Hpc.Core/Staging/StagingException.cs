namespace Emx2Hpc.Core.Staging;

/// <summary>A job's inputs cannot be staged (bad reference, refused residence or location, hash mismatch).
/// The message is written for the FAILED transition detail, so it names the artifact and the reason.</summary>
public sealed class StagingException : Exception
{
    /// <summary>Prefix of every content-verification failure; kept identical to the reference daemon so
    /// dashboards and scripts that match on it keep working.</summary>
    public const string InputHashMismatchPrefix = "input_hash_mismatch:";

    public StagingException(string message) : base(message) { }
    public StagingException(string message, Exception inner) : base(message, inner) { }

    /// <summary>True when the failure means "the bytes are not what the artifact promised".</summary>
    public bool IsHashMismatch => Message.StartsWith(InputHashMismatchPrefix, StringComparison.Ordinal);

    internal static StagingException HashMismatch(string what, string expected, string? actual) =>
        new($"{InputHashMismatchPrefix} {what} expected={expected} actual={actual ?? "(no files)"}");
}
