namespace Emx2Hpc.Core.Configuration;

/// <summary>A rule violation found on the model, before it is given a file position. The loader places it on
/// the YAML node its key path came from; a code-built config reports it without a position.</summary>
internal readonly record struct ConfigIssue(string KeyPath, string Message);
