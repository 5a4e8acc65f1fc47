using Microsoft.Win32.SafeHandles;

namespace Emx2Hpc.Core.Staging;

/// <summary>One file to upload: RelativePath is the artifact path ('/' separators, already valid for the server),
/// Size and Sha256 come from one streaming pass over <see cref="Content"/>. FullPath is where the file was found,
/// for messages; when <see cref="Content"/> is set (always, for anything collected from a job-writable directory)
/// the upload streams from that descriptor and the path is never opened again.</summary>
public sealed record OutputFile(string RelativePath, string FullPath, long Size, string Sha256, string ContentType)
{
    /// <summary>The checked, open descriptor the hash was computed from; owned by the <see cref="CollectedOutputs"/>
    /// that produced it.</summary>
    public SafeFileHandle? Content { get; init; }

    /// <summary>Two collected files are the same file description whichever descriptor carries them.</summary>
    public bool Equals(OutputFile? other) =>
        other is not null && RelativePath == other.RelativePath && FullPath == other.FullPath && Size == other.Size
        && Sha256 == other.Sha256 && ContentType == other.ContentType;

    public override int GetHashCode() => HashCode.Combine(RelativePath, FullPath, Size, Sha256, ContentType);
}
