namespace Emx2Hpc.Core.Emx2;

/// <summary>Outcome of a file download. <see cref="ContentSha256"/> is what the server claimed
/// (X-Content-SHA256, null if it sent none); <see cref="ComputedSha256"/> is what actually arrived. The client
/// already refused a transfer where both exist and differ.</summary>
public sealed record DownloadResult(string? ContentSha256, string ComputedSha256, long Length, string? ContentType);

/// <summary>Headers of HEAD /artifacts/{id}/files/{path}; each is null when the server does not know it.</summary>
public sealed record FileHeadResult(string? ContentSha256, long? Length, string? ContentType);
