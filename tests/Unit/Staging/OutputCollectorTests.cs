using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Staging;

public class OutputCollectorTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly JobDirectories _dirs;

    public OutputCollectorTests()
    {
        _dirs = JobDirectories.For(_temp["jobs"], "job-1");
        _dirs.Create();
    }

    public void Dispose() => _temp.Dispose();

    private string Write(string relative, string content)
    {
        var full = Path.Combine(_dirs.Output, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    [Fact]
    public void Only_scheduler_and_container_captures_at_the_top_are_logs()
    {
        foreach (var name in new[]
                 {
                     "slurm-12.out", "slurm-12.err", "slurm-12_3.out", "container-stdout.log", "container-stderr.log",
                     "result.log", "logs/pipeline.log", "nested/slurm-1.out", "slurm-.out", "slurm-12.log", ".hidden",
                     "data/sub/table.csv", "shell-stdout.log",
                 })
            Write(name, name);

        var collected = OutputCollector.Collect(_dirs);

        Assert.Equal(["container-stderr.log", "container-stdout.log", "slurm-12.err", "slurm-12.out", "slurm-12_3.out"],
            collected.Logs.Select(f => f.RelativePath));
        Assert.Equal([".hidden", "data/sub/table.csv", "logs/pipeline.log", "nested/slurm-1.out", "result.log", "shell-stdout.log",
                "slurm-.out", "slurm-12.log"],
            collected.Outputs.Select(f => f.RelativePath));
        Assert.Empty(collected.Skipped);
    }

    [Fact]
    public void Files_carry_size_hash_full_path_and_content_type()
    {
        var full = Write("results/summary.json", "{\"ok\":true}");
        Write("slurm-7.out", "hello");

        var collected = OutputCollector.Collect(_dirs);

        Assert.Equal(
            new OutputFile("results/summary.json", full, 11, FakeArtifactStore.Sha("{\"ok\":true}"), "application/json"),
            Assert.Single(collected.Outputs));
        Assert.Equal(
            new OutputFile("slurm-7.out", Path.Combine(_dirs.Output, "slurm-7.out"), 5,
                "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "text/plain"),
            Assert.Single(collected.Logs));
    }

    [Fact]
    public void Tree_hash_and_size_match_what_the_server_computes()
    {
        Write("a.txt", "hello");
        Write("b/c.txt", "bye");
        Write("slurm-1.out", "log");

        var collected = OutputCollector.Collect(_dirs);

        Assert.Equal(TreeHash.Compute([("a.txt", FakeArtifactStore.Sha("hello")), ("b/c.txt", FakeArtifactStore.Sha("bye"))]),
            collected.OutputsTreeHash);
        Assert.Equal(8, collected.OutputsSize);
        Assert.Equal(FakeArtifactStore.Sha("log"), collected.LogsTreeHash); // one file: its own hash
        Assert.Equal(3, collected.LogsSize);
    }

    [Fact]
    public void Links_are_never_followed_and_are_reported()
    {
        Write("real.txt", "mine");
        File.CreateSymbolicLink(Path.Combine(_dirs.Output, "passwd"), "/etc/passwd");
        _temp.WriteFile("elsewhere/input.dat", "not an output");
        Directory.CreateSymbolicLink(Path.Combine(_dirs.Output, "linked-dir"), _temp["elsewhere"]);
        Directory.CreateDirectory(Path.Combine(_dirs.Output, "sub"));
        File.CreateSymbolicLink(Path.Combine(_dirs.Output, "sub/slurm-1.out"), "../real.txt");

        var collected = OutputCollector.Collect(_dirs);

        Assert.Equal(["real.txt"], collected.Outputs.Select(f => f.RelativePath));
        Assert.Empty(collected.Logs);
        Assert.Equal(
            [
                "linked-dir: symbolic link (not followed, not uploaded)",
                "passwd: symbolic link (not followed, not uploaded)",
                "sub/slurm-1.out: symbolic link (not followed, not uploaded)",
            ],
            collected.Skipped);
    }

    [Fact]
    public void Fifos_and_sockets_are_skipped_without_being_opened()
    {
        Write("real.txt", "mine");
        SpecialFiles.Fifo(Path.Combine(_dirs.Output, "pipe"));
        using var socket = SpecialFiles.Socket(Path.Combine(_dirs.Output, "sock")); // .NET unlinks it on dispose

        var collected = OutputCollector.Collect(_dirs); // would block forever if the FIFO were opened

        Assert.Equal(["real.txt"], collected.Outputs.Select(f => f.RelativePath));
        Assert.Equal(
            ["pipe: not a regular file (fifo, socket or device)", "sock: not a regular file (fifo, socket or device)"],
            collected.Skipped);
    }

    [Fact]
    public void Progress_file_is_excluded_silently_and_part_files_are_reported()
    {
        Write(".hpc_progress.jsonl", "{\"phase\":\"x\"}\n");
        Write("upload.bin.part", "half");
        Write("sub/.hpc_progress.jsonl", "user file with the same name");

        var collected = OutputCollector.Collect(_dirs);

        Assert.Equal(["sub/.hpc_progress.jsonl"], collected.Outputs.Select(f => f.RelativePath));
        Assert.Equal(["upload.bin.part: temporary file"], collected.Skipped);
    }

    [Fact]
    public void Names_the_server_would_refuse_are_reported_instead_of_uploaded()
    {
        Write("ok.txt", "fine");
        Write("back\\slash.txt", "x");
        var deep = string.Join('/', Enumerable.Repeat(new string('d', 250), 5)) + "/file.txt"; // 1263 chars
        Write(deep, "x");

        var collected = OutputCollector.Collect(_dirs);

        Assert.Equal(["ok.txt"], collected.Outputs.Select(f => f.RelativePath));
        Assert.Equal(2, collected.Skipped.Count);
        Assert.Equal("back\\slash.txt: name not accepted by the server (path contains a backslash)", collected.Skipped[0]);
        Assert.StartsWith(new string('d', 200) + "…(1263 chars): name not accepted by the server (path is longer than 1024 characters)",
            collected.Skipped[1]);
    }

    [Fact]
    public async Task Async_collection_gives_the_same_result()
    {
        Write("a.txt", "hello");
        Write("slurm-1.err", "oops");
        File.CreateSymbolicLink(Path.Combine(_dirs.Output, "l"), "/etc/passwd");

        var sync = OutputCollector.Collect(_dirs);
        var async = await OutputCollector.CollectAsync(_dirs);

        Assert.Equal(sync.Outputs, async.Outputs);
        Assert.Equal(sync.Logs, async.Logs);
        Assert.Equal(sync.Skipped, async.Skipped);
    }

    [Fact]
    public void A_missing_output_directory_collects_nothing()
    {
        Directory.Delete(_dirs.Output);

        var collected = OutputCollector.Collect(_dirs);

        Assert.Empty(collected.Outputs);
        Assert.Empty(collected.Logs);
        Assert.Null(collected.OutputsTreeHash);
        Assert.Equal(0, collected.OutputsSize);
    }

    [Fact]
    public void An_output_directory_replaced_by_a_link_is_not_followed()
    {
        _temp.WriteFile("home/private.txt", "secret");
        Directory.Delete(_dirs.Output);
        Directory.CreateSymbolicLink(_dirs.Output, _temp["home"]);

        var collected = OutputCollector.Collect(_dirs);

        Assert.Empty(collected.Outputs);
        Assert.Equal(["./: the output directory is not a real directory (not followed, nothing uploaded)"], collected.Skipped);
    }

    [Theory]
    [InlineData("a.txt", "text/plain")]
    [InlineData("slurm-1.err", "text/plain")]
    [InlineData("x.JSON", "application/json")]
    [InlineData("t.tsv", "text/tab-separated-values")]
    [InlineData("c.csv", "text/csv")]
    [InlineData("r.html", "text/html")]
    [InlineData("cfg.yaml", "application/yaml")]
    [InlineData("README.md", "text/markdown")]
    [InlineData("plot.png", "image/png")]
    [InlineData("photo.jpg", "image/jpeg")]
    [InlineData("report.pdf", "application/pdf")]
    [InlineData("reads.fastq.gz", "application/gzip")]
    [InlineData("bundle.zip", "application/zip")]
    [InlineData("bundle.tar", "application/x-tar")]
    [InlineData("table.parquet", "application/vnd.apache.parquet")]
    [InlineData("m.h5", "application/x-hdf5")]
    [InlineData("a.npy", "application/x-npy")]
    [InlineData("g.fa", "text/x-fasta")]
    [InlineData("g.fasta", "text/x-fasta")]
    [InlineData("r.fastq", "text/x-fastq")]
    [InlineData("aln.bam", "application/x-bam")]
    [InlineData("calls.vcf", "text/x-vcf")]
    [InlineData("dir.v2/noext", "application/octet-stream")]
    [InlineData("weird.", "application/octet-stream")]
    [InlineData("model.ckpt", "application/octet-stream")]
    public void Content_types_come_from_the_extension(string name, string type)
    {
        Assert.Equal(type, ContentTypes.Guess(name));
    }
}
