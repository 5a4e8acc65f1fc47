using Emx2Hpc.Core.Operations;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.E2E.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.E2E.Scenarios;

/// <summary>Scenario 7: a managed input artifact is staged for the job, transformed, and the result comes back
/// byte for byte; the job's progress feed shows up in the transition history while it runs.</summary>
public sealed class TransformTests(E2EEnvironment env, ITestOutputHelper output) : E2ETest(env, output)
{
    [E2EFact]
    public Task Managed_input_is_transformed_byte_exact_and_progress_is_relayed() => ScenarioAsync(async () =>
    {
        var inputs = new Dictionary<string, byte[]>
        {
            ["reads/a.txt"] = "hello world\ncafé ünïcode stays as it is\n"u8.ToArray(),
            ["reads/sub/b.txt"] = "Mixed Case 123 ~!@#$%^&*()\n"u8.ToArray(),
            ["bytes.bin"] = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), // every byte value, NUL included
        };
        var source = Directory.CreateDirectory(Path.Combine(Env.DataDir, "transform-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        foreach (var (path, bytes) in inputs)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(source, path))!);
            await File.WriteAllBytesAsync(Path.Combine(source, path), bytes);
        }
        // Uploaded by the Editor user the way Send-HpcArtifact does it.
        string inputId;
        using (var session = WorkerSession.Open(new WorkerSessionOptions { ConfigPath = Env.ConfigPath, UserToken = Env.EditorToken }))
            inputId = (await session.SendArtifactAsync(new SendArtifactRequest { Path = source, Name = "e2e-transform-input" }, null, CancellationToken.None)).Id;
        Assert.Equal(ArtifactStatus.Committed, Env.Artifact(inputId).Status);

        var job = await Env.CreateJobAsync("transform", inputs: new[] { new { artifact_id = inputId } });
        job = await RunToEndAsync(job.Id, JobStatus.Completed);

        // Staged where the contract says: $HPC_INPUT_DIR/<artifact id>/<path>.
        foreach (var (path, bytes) in inputs)
            Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(Env.JobDir(job.Id), "input", inputId, path)));
        var outputId = job.OutputArtifactId!;
        Assert.Equal(inputs.Keys.Order(StringComparer.Ordinal), FilesOf(outputId).Keys.Order(StringComparer.Ordinal));
        foreach (var (path, bytes) in inputs)
            Assert.Equal(UpperAscii(bytes), await Env.DownloadAsync(outputId, path));
        Assert.DoesNotContain(".hpc_progress.jsonl", FilesOf(outputId).Keys);

        var progress = Env.Transitions(job.Id).Where(t => t.FromStatus == JobStatus.Started && t.ToStatus == JobStatus.Started).ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, t =>
        {
            Assert.NotNull(t.Phase);
            Assert.NotNull(t.Message);
            Assert.NotNull(t.Progress);
        });
        Assert.Equal(("done", "finished", 1.0), (progress[^1].Phase, progress[^1].Message, progress[^1].Progress));
        await AssertAccountedAsync(job.Id, "COMPLETED");
    });

    private static byte[] UpperAscii(byte[] bytes) => bytes.Select(b => b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b).ToArray();
}
