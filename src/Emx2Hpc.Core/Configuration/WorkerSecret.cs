namespace Emx2Hpc.Core.Configuration;

/// <summary>The worker credential. A class rather than a string so it cannot leak by accident: ToString,
/// string interpolation, record printing and exception messages all show "***". Read <see cref="Value"/>
/// only where the secret is actually used (signing, the token header).</summary>
public sealed class WorkerSecret
{
    public const string Mask = "***";

    public WorkerSecret(string value)
    {
        // The message deliberately does not include the value.
        if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException("A worker secret must not be empty.", nameof(value));
        Value = value;
    }

    public string Value { get; }

    public int Length => Value.Length;

    public override string ToString() => Mask;
}
