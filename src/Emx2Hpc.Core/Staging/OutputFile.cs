namespace Emx2Hpc.Core.Staging;

/// <summary>One file to upload: RelativePath is the artifact path ('/' separators, already valid for the server),
/// Size and Sha256 come from one streaming pass over FullPath.</summary>
public sealed record OutputFile(string RelativePath, string FullPath, long Size, string Sha256, string ContentType);
