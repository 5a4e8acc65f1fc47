namespace Emx2Hpc.Emulator.Domain;

/// <summary>A validated request to move a job (transition, complete or cancel).</summary>
internal sealed record TransitionRequest
{
    public required string Target { get; init; }

    /// <summary>Effective worker (X-Worker-Id); null for cancel.</summary>
    public string? WorkerId { get; init; }

    public string? Detail { get; init; }
    public string? SlurmJobId { get; init; }
    public string? OutputArtifactId { get; init; }
    public string? LogArtifactId { get; init; }
    public string? Phase { get; init; }
    public string? Message { get; init; }
    public double? Progress { get; init; }

    /// <summary>Same-state posts with any of these become a progress row (SERVER-SPEC §7.3).</summary>
    public bool CarriesProgress => !string.IsNullOrWhiteSpace(Detail) || Phase is not null || Message is not null || Progress is not null;
}
