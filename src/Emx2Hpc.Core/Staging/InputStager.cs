using System.Text.Json;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Scheduling;

namespace Emx2Hpc.Core.Staging;

/// <summary>Makes a job's input artifacts available under <c>&lt;job&gt;/input/</c>: each artifact at
/// <c>input/&lt;artifact_id&gt;</c> (downloaded, or for posix inputs a private view of hard links or copies), each
/// named reference also at <c>input/&lt;name&gt;</c> (a relative link to the artifact id). Safe to call again for the
/// same job after a crash: links are corrected, verified files and finished views are kept.</summary>
public sealed class InputStager
{
    private readonly IArtifactStore _store;
    private readonly HpcLog _log;
    private readonly PosixInputStager _posix;
    private readonly ManagedInputStager _managed;
    private readonly StagingOptions _options;

    /// <param name="journal">Where posix input views are recorded before and after they are built (SQLite in the
    /// cycle); without one every staging rebuilds them.</param>
    public InputStager(IArtifactStore store, StagingOptions options, HpcLog log, IStagedInputJournal? journal = null)
    {
        var relative = options.AllowedPosixRoots.FirstOrDefault(r => !Path.IsPathFullyQualified(r));
        if (relative is not null)
            throw new ArgumentException($"staging.allowed_posix_roots entries must be absolute paths, got '{relative}'", nameof(options));
        _store = store;
        _log = log;
        _options = options;
        _posix = new PosixInputStager(options, journal ?? NoStagedInputJournal.Instance, log);
        _managed = new ManagedInputStager(store, log);
    }

    /// <exception cref="StagingException">An input is malformed, not committed, of an unsupported residence, outside
    /// the allowed roots, or its content does not match (message starts with <c>input_hash_mismatch:</c>).</exception>
    public async Task<StagedInputs> StageAsync(string jobId, JsonElement? inputs, JobDirectories dirs, CancellationToken ct)
    {
        var references = InputReferences.Parse(inputs);
        if (references.Count == 0) return StagedInputs.None;
        Directory.CreateDirectory(dirs.Input);

        var staged = new Dictionary<string, (string Residence, string? Sha256)>(StringComparer.Ordinal);
        var copies = new CopyBudget(_options.MaxPosixCopyBytes);
        foreach (var id in references.Select(r => r.ArtifactId).Distinct(StringComparer.Ordinal))
        {
            ct.ThrowIfCancellationRequested();
            staged[id] = await StageArtifactAsync(jobId, id, dirs, copies, ct).ConfigureAwait(false);
        }

        var items = new List<StagedInput>(references.Count);
        foreach (var reference in references)
        {
            var (residence, sha) = staged[reference.ArtifactId];
            if (reference.Name is { } name && !string.Equals(name, reference.ArtifactId, StringComparison.OrdinalIgnoreCase))
                SymlinkWriter.Ensure(Path.Join(dirs.Input, name), reference.ArtifactId); // relative: valid inside containers too
            items.Add(new StagedInput(reference.ArtifactId, reference.Name, Path.Join(dirs.Input, reference.ArtifactId), residence, sha));
        }
        return new StagedInputs(items);
    }

    private async Task<(string Residence, string? Sha256)> StageArtifactAsync(string jobId, string id, JobDirectories dirs, CopyBudget copies,
        CancellationToken ct)
    {
        var artifact = await _store.GetArtifactAsync(id, ct).ConfigureAwait(false);
        if (!string.Equals(artifact.Status, ArtifactStatus.Committed, StringComparison.Ordinal))
            throw new StagingException($"input artifact {id} is not committed (status {PathSafety.Describe(artifact.Status, 40)})");
        // Trust the id we asked for, not the one echoed back: it names the local directory.
        artifact = artifact with { Id = id };

        var residence = string.IsNullOrEmpty(artifact.Residence) ? ArtifactResidence.Managed : artifact.Residence;
        var local = Path.Join(dirs.Input, id);
        var sha = residence switch
        {
            ArtifactResidence.Managed => await _managed.StageAsync(artifact, local, ct).ConfigureAwait(false),
            ArtifactResidence.Posix => await _posix.StageAsync(jobId, artifact, dirs.Input, copies, ct).ConfigureAwait(false),
            // Their file GETs answer with redirects to storage this worker has no client for; refusing is honest,
            // falling into the managed path (as the reference did) fails later with a confusing error.
            _ => throw new StagingException(
                $"residence '{PathSafety.Describe(residence, 40)}' inputs are not supported by this worker (artifact {id})"),
        };
        _log.Info("staged input", ("job_id", jobId), ("artifact_id", id), ("residence", residence), ("path", local));
        return (residence, sha ?? artifact.Sha256);
    }
}
