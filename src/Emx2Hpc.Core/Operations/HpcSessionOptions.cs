using Emx2Hpc.Core.Diagnostics;

namespace Emx2Hpc.Core.Operations;

/// <summary>How a host (cmdlet, script) opens a session.</summary>
public sealed record HpcSessionOptions
{
    /// <summary>Config file; null means $EMX2_HPC_CONFIG, then /etc/emx2-hpc/config.yaml.</summary>
    public string? ConfigPath { get; init; }
    public bool AllowInsecureSecret { get; init; }
    public bool Simulate { get; init; }
    /// <summary>A user token (x-molgenis-token) for user-side calls: create, list, cancel, download.</summary>
    public string? UserToken { get; init; }
    public ILogSink? LogSink { get; init; }
    public bool Verbose { get; init; }
    /// <summary>Transport override for the status probe (tests).</summary>
    public HttpMessageHandler? HttpHandler { get; init; }
}

/// <summary>Job list filter for Get-HpcJob.</summary>
public sealed record JobFilter
{
    public string? Id { get; init; }
    public string? Status { get; init; }
    public string? Processor { get; init; }
    public string? Profile { get; init; }
    public int? Limit { get; init; }
    public int? Offset { get; init; }
    /// <summary>Page through everything instead of one page.</summary>
    public bool All { get; init; }
}

/// <summary>What Send-HpcArtifact uploads: a file or a directory tree.</summary>
public sealed record SendArtifactRequest
{
    public required string Path { get; init; }
    public string? Name { get; init; }
    public string? Type { get; init; }
    public string Residence { get; init; } = "managed";
}

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

/// <summary>Result of Receive-HpcArtifact.</summary>
public sealed record DownloadSummary
{
    public required string ArtifactId { get; init; }
    public required string Directory { get; init; }
    public int Files { get; init; }
    public long Bytes { get; init; }
}
