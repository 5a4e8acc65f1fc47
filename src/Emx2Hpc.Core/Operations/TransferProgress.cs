namespace Emx2Hpc.Core.Operations;

/// <summary>Progress of a transfer, reported per chunk; hosts turn it into Write-Progress.</summary>
public sealed record TransferProgress
{
    public required string Activity { get; init; }
    public string? CurrentFile { get; init; }
    public long BytesDone { get; init; }
    public long BytesTotal { get; init; }
    public int FilesDone { get; init; }
    public int FilesTotal { get; init; }
}
