using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

public sealed class StagingTests(ITestOutputHelper output)
{
    private static string Sha(string text) => BodyHash.OfUtf8(text);

    /// <summary>The "inputs" section of the simulated job's result.txt (one line per staged entry).</summary>
    private static List<string> InputLines(CycleHarness h, JobDto job)
    {
        var result = h.FileText(job.OutputArtifactId!, "result.txt");
        return result[(result.IndexOf("inputs (path, size, sha256):\n", StringComparison.Ordinal) + 29)..]
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>result.txt sorts by path and paths start with random artifact ids: compare sorted.</summary>
    private static List<string> Sorted(params string[] lines) => lines.Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Managed_input_is_downloaded_verified_and_visible_to_the_job()
    {
        await using var h = await CycleHarness.StartAsync(output);
        var input = await h.UploadManagedInputAsync("greetings", ("data/greeting.txt", "hello\n"), ("b.txt", "bee\n"));
        var id = await h.CreateJobAsync(inputs: new[] { input });

        var job = await h.RunUntilFinishedAsync(id);

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(Sorted($"{input}/b.txt\t4\t{Sha("bee\n")}", $"{input}/data/greeting.txt\t6\t{Sha("hello\n")}", "greetings\tsymlink (not followed)"),
            InputLines(h, job));
        Assert.Equal(input, new FileInfo(Path.Combine(h.Dirs(id).Input, "greetings")).LinkTarget);
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(h.Dirs(id).Input, input, "data", "greeting.txt")));
        Assert.Equal(2, h.Sent.Count(r => r.Method == "GET" && r.Path.StartsWith($"/api/hpc/artifacts/{input}/files/", StringComparison.Ordinal)));
        Assert.Empty(Directory.EnumerateFiles(h.Dirs(id).Input, "*.part", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task All_four_input_shapes_are_staged_with_names_as_links()
    {
        await using var h = await CycleHarness.StartAsync(output);
        var one = await h.UploadManagedInputAsync("first", ("one.txt", "1\n"));
        var two = await h.UploadManagedInputAsync("second", ("two.txt", "22\n"));
        var ids = new[]
        {
            await h.CreateJobAsync(inputs: new[] { one }),
            await h.CreateJobAsync(inputs: new[] { new { artifact_id = one, name = "dataset" } }),
            await h.CreateJobAsync(inputs: new[] { new Dictionary<string, string> { ["dataset"] = one } }),
            await h.CreateJobAsync(inputs: new Dictionary<string, string> { ["dataset"] = one, ["reference"] = two }),
        };

        await h.RunCycleAsync();
        await h.RunCycleAsync();

        var jobs = ids.Select(h.Job).ToList();
        Assert.All(jobs, j => Assert.Equal(JobStatus.Completed, j.Status));
        var oneLine = $"{one}/one.txt\t2\t{Sha("1\n")}";
        Assert.Equal(Sorted(oneLine, "first\tsymlink (not followed)"), InputLines(h, jobs[0])); // the name EMX2 echoes back
        Assert.Equal(Sorted("dataset\tsymlink (not followed)", oneLine), InputLines(h, jobs[1]));
        Assert.Equal(Sorted("dataset\tsymlink (not followed)", oneLine), InputLines(h, jobs[2]));
        Assert.Equal(Sorted("dataset\tsymlink (not followed)", "reference\tsymlink (not followed)", oneLine, $"{two}/two.txt\t3\t{Sha("22\n")}"),
            InputLines(h, jobs[3]));
        Assert.Equal(two, new FileInfo(Path.Combine(h.Dirs(ids[3]).Input, "reference")).LinkTarget);
        Assert.Equal("22\n", File.ReadAllText(Path.Combine(h.Dirs(ids[3]).Input, "reference", "two.txt")));
    }

    [Fact]
    public async Task Managed_input_whose_bytes_do_not_match_its_hash_fails_the_job_with_input_hash_mismatch()
    {
        await using var h = await CycleHarness.StartAsync(output);
        // The server stores the bytes of "hello", then a metadata-only re-PUT overwrites the recorded hash without
        // replacing the bytes (SERVER-SPEC §6.5), and the commit seals that recorded hash. Same length on purpose:
        // a longer stored file is stopped earlier by the size cap (see the hostile-input suite).
        var created = await h.User.CreateArtifactAsync(new CreateArtifactRequest { Name = "tampered", Residence = ArtifactResidence.Managed });
        var local = Path.Combine(h.Root, "hello.txt");
        await File.WriteAllTextAsync(local, "hello\n");
        await h.User.UploadFileAsync(created.Id, "data.txt", local, Sha("hello\n"), 6, "text/plain", null);
        await h.User.PutFileMetadataAsync(created.Id, "data.txt", new FileMetadataRequest { Sha256 = Sha("jello\n"), SizeBytes = 6 });
        await h.User.CommitArtifactAsync(created.Id, new CommitRequest { Sha256 = Sha("jello\n") });
        var id = await h.CreateJobAsync(inputs: new[] { created.Id });

        var job = await h.RunUntilFinishedAsync(id);

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Failed], h.Statuses(id));
        var detail = h.Transitions(id)[^1].Detail!;
        Assert.StartsWith($"input_hash_mismatch: artifact {created.Id} file 'data.txt'", detail);
        Assert.Contains(Sha("jello\n"), detail);
        Assert.Contains(Sha("hello\n"), detail);
        Assert.Empty(h.SubmissionsLog());
        Assert.Empty(h.ArtifactsOf(id));
        Assert.False(File.Exists(Path.Combine(h.Dirs(id).Input, created.Id, "data.txt")));
        Assert.Empty(Directory.EnumerateFiles(h.Dirs(id).Input, "*.part", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Posix_input_changed_on_disk_after_registration_fails_with_input_hash_mismatch()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.AllowedPosixRootNames.Add("data"));
        var file = Path.Combine(h.Root, "data", "reads.txt");
        await File.WriteAllTextAsync(file, "ACGT\n");
        var input = await h.RegisterPosixInputAsync(file);
        await File.WriteAllTextAsync(file, "ACGA\n"); // silent corruption on the cluster filesystem
        var id = await h.CreateJobAsync(inputs: new[] { input });

        var job = await h.RunUntilFinishedAsync(id);

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal($"input_hash_mismatch: artifact {input} expected={Sha("ACGT\n")} actual={Sha("ACGA\n")}", h.Transitions(id)[^1].Detail);
        Assert.Empty(h.SubmissionsLog());
    }

    [Fact]
    public async Task Posix_input_outside_the_allowed_roots_fails_naming_the_setting()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.AllowedPosixRootNames.Add("data"));
        Directory.CreateDirectory(Path.Combine(h.Root, "private"));
        var secret = Path.Combine(h.Root, "private", "secret.txt");
        await File.WriteAllTextAsync(secret, "do not stage me\n");
        var direct = await h.RegisterPosixInputAsync(secret);
        // A link inside the allowed root that points outside it is just as far out.
        var link = Path.Combine(h.Root, "data", "innocent.txt");
        File.CreateSymbolicLink(link, secret);
        var viaLink = await h.RegisterPosixInputAsync(link);
        var a = await h.CreateJobAsync(inputs: new[] { direct });
        var b = await h.CreateJobAsync(inputs: new[] { viaLink });

        await h.RunCycleAsync();

        foreach (var (id, input) in new[] { (a, direct), (b, viaLink) })
        {
            Assert.Equal(JobStatus.Failed, h.Job(id).Status);
            var detail = h.Transitions(id)[^1].Detail!;
            Assert.StartsWith($"posix input {input}:", detail);
            Assert.Contains("outside staging.allowed_posix_roots", detail);
            Assert.Contains(secret, detail);
            Assert.False(Path.Exists(Path.Combine(h.Dirs(id).Input, input)));
        }
        Assert.Empty(h.SubmissionsLog());
        Assert.Empty(h.Store.ListJobs());
    }

    [Fact]
    public async Task Posix_input_inside_an_allowed_root_is_hard_linked_not_copied()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.AllowedPosixRootNames.Add("data"));
        var file = Path.Combine(h.Root, "data", "reads.txt");
        await File.WriteAllTextAsync(file, "ACGT\n");
        var input = await h.RegisterPosixInputAsync(file, "reads");
        var id = await h.CreateJobAsync(inputs: new[] { input });

        var job = await h.RunUntilFinishedAsync(id);

        Assert.Equal(JobStatus.Completed, job.Status);
        // The job sees the very inode that was checked and hashed (a hard link on the same file system), not a link
        // that a later rename of the original could redirect.
        var staged = Path.Combine(h.Dirs(id).Input, input);
        Assert.Equal(FileKind.Regular, FileKindProbe.Of(staged));
        Assert.Equal(Inode(file), Inode(staged));
        Assert.Equal(Sorted($"{input}\t5\t{Sha("ACGT\n")}", "reads\tsymlink (not followed)"), InputLines(h, job));
        Assert.DoesNotContain(h.Sent, r => r.Path.StartsWith($"/api/hpc/artifacts/{input}/files", StringComparison.Ordinal));
    }

    private static ulong Inode(string path)
    {
        using var handle = File.OpenHandle(path);
        return DirectoryHandle.Status(handle).Inode;
    }
}
