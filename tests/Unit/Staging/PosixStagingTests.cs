using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Staging;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Staging;

public class PosixStagingTests
{
    private static string Url(string path) => "file://" + path;

    [Fact]
    public async Task File_inside_an_allowed_root_is_staged_as_a_hard_link_and_verified()
    {
        using var f = new StagingFixture();
        var file = f.Temp.WriteFile("data/ref.fa", "ACGT");
        var sha = FakeArtifactStore.Sha("ACGT");
        var id = f.Store.AddPosix(Url(file), sha);

        var staged = await f.StageAsync(new[] { id }, f.Temp["data"]);

        Assert.Equal(new StagedInput(id, null, f.InputPath(id), "posix", sha), Assert.Single(staged.Items));
        Assert.Equal(FileKind.Regular, FileKindProbe.Of(f.InputPath(id)));
        Assert.Equal(StagingFixture.Inode(file), StagingFixture.Inode(f.InputPath(id))); // the checked inode itself
        Assert.Equal("ACGT", File.ReadAllText(f.InputPath(id)));
        Assert.Equal(0, f.Store.ListCalls); // posix content is never downloaded
    }

    [Fact]
    public async Task Directory_input_hashes_regular_files()
    {
        using var f = new StagingFixture();
        f.Temp.WriteFile("data/set/a.txt", "hello");
        f.Temp.WriteFile("data/set/b/c.txt", "bye");
        var expected = TreeHash.Compute([("a.txt", FakeArtifactStore.Sha("hello")), ("b/c.txt", FakeArtifactStore.Sha("bye"))]);
        var id = f.Store.AddPosix(Url(f.Temp["data/set"]), expected);

        var staged = await f.StageAsync(new[] { id }, f.Temp["data"]);

        Assert.Equal(expected, staged.Items[0].Sha256);
        Assert.Equal("bye", File.ReadAllText(f.InputPath($"{id}/b/c.txt")));
    }

    [Fact]
    public async Task Directory_input_with_a_link_inside_is_refused()
    {
        // The job would reach /etc/passwd through input/<id>/passwd: posix inputs are confined all the way down.
        using var f = new StagingFixture();
        f.Temp.WriteFile("data/set/a.txt", "hello");
        File.CreateSymbolicLink(f.Temp["data/set/passwd"], "/etc/passwd");
        var id = f.Store.AddPosix(Url(f.Temp["data/set"]), FakeArtifactStore.Sha("x"));

        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }, f.Temp["data"]));
        Assert.Contains("passwd' is a symbolic link inside the input", e.Message);
    }

    [Fact]
    public async Task A_view_recorded_ready_is_reused_without_reading_the_input_again()
    {
        using var f = new StagingFixture { Journal = new MemoryStagedInputJournal() };
        var file = f.Temp.WriteFile("data/big.bin", "pretend this is large");
        var id = f.Store.AddPosix(Url(file), FakeArtifactStore.Sha("pretend this is large"));
        await f.StageAsync(new[] { id }, f.Temp["data"]);
        var journal = (MemoryStagedInputJournal)f.Journal;
        Assert.Equal(new PosixViewRecord(true, FakeArtifactStore.Sha("pretend this is large"), 0), journal.Records[(StagingFixture.JobId, id)]);

        // Prove the second run trusts the record: make it and the artifact agree on a hash the bytes do not have.
        var fake = FakeArtifactStore.Sha("fake");
        journal.Records[(StagingFixture.JobId, id)] = new PosixViewRecord(true, fake, 0);
        f.Store.Update(id, a => a with { Sha256 = fake });
        var staged = await f.StageAsync(new[] { id }, f.Temp["data"]);
        Assert.Equal(fake, staged.Items[0].Sha256);

        // The view gone (or never finished): it is built again from the input and verified, and the lie is caught.
        File.Delete(f.InputPath(id));
        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }, f.Temp["data"]));
        Assert.Equal($"input_hash_mismatch: artifact {id} expected={fake} actual={FakeArtifactStore.Sha("pretend this is large")}", e.Message);
        Assert.False(journal.Records[(StagingFixture.JobId, id)].Ready);
        Assert.Equal(FileKind.Missing, FileKindProbe.Of(f.InputPath(id)));
    }

    [Fact]
    public async Task A_view_killed_mid_build_is_removed_and_built_again()
    {
        // kill -9 while building: the journal says Building and a half-made tree is left under the temporary name.
        var journal = new MemoryStagedInputJournal();
        using var f = new StagingFixture { Journal = journal };
        f.Temp.WriteFile("data/set/a.txt", "hello");
        f.Temp.WriteFile("data/set/b/c.txt", "bye");
        var expected = TreeHash.Compute([("a.txt", FakeArtifactStore.Sha("hello")), ("b/c.txt", FakeArtifactStore.Sha("bye"))]);
        var id = f.Store.AddPosix(Url(f.Temp["data/set"]), expected);
        journal.Building(StagingFixture.JobId, id);
        var partial = f.InputPath($".{id}.partial");
        Directory.CreateDirectory(Path.Combine(partial, "b"));
        File.WriteAllText(Path.Combine(partial, "b", "c.txt"), "half");
        File.CreateSymbolicLink(Path.Combine(partial, "escape"), "/etc");

        var staged = await f.StageAsync(new[] { id }, f.Temp["data"]);

        Assert.Equal(expected, staged.Items[0].Sha256);
        Assert.Equal(FileKind.Missing, FileKindProbe.Of(partial));
        Assert.Equal(["a.txt", "b/c.txt"], Directory.EnumerateFiles(f.InputPath(id), "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(f.InputPath(id), p)).Order(StringComparer.Ordinal));
        Assert.Equal("bye", File.ReadAllText(f.InputPath($"{id}/b/c.txt")));
        Assert.True(journal.Records[(StagingFixture.JobId, id)].Ready);
        Assert.True(Directory.Exists("/etc")); // the leftover link was unlinked, never followed
    }

    [Fact]
    public async Task Restaging_replaces_whatever_is_at_the_input_name()
    {
        using var f = new StagingFixture();
        var file = f.Temp.WriteFile("data/ref.fa", "ACGT");
        var id = f.Store.AddPosix(Url(file), FakeArtifactStore.Sha("ACGT"));
        File.CreateSymbolicLink(f.InputPath(id), "/etc/passwd");

        await f.StageAsync(new[] { id }, f.Temp["data"]);
        Assert.Equal(FileKind.Regular, FileKindProbe.Of(f.InputPath(id)));
        Assert.Equal("ACGT", File.ReadAllText(f.InputPath(id)));

        await f.StageAsync(new[] { id }, f.Temp["data"]);
        Assert.Equal(StagingFixture.Inode(file), StagingFixture.Inode(f.InputPath(id)));
    }

    [Fact]
    public async Task Outside_the_allowed_roots_is_refused()
    {
        using var f = new StagingFixture();
        var file = f.Temp.WriteFile("other/secret.txt", "s");
        Directory.CreateDirectory(f.Temp["data"]);
        var id = f.Store.AddPosix(Url(file), FakeArtifactStore.Sha("s"));

        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }, f.Temp["data"]));

        Assert.Equal($"posix input {id}: '{file}' resolves to '{file}', which is outside staging.allowed_posix_roots ({f.Temp["data"]})", e.Message);
        Assert.Equal(FileKind.Missing, FileKindProbe.Of(f.InputPath(id)));
    }

    [Fact]
    public async Task A_link_inside_the_root_pointing_outside_is_refused()
    {
        using var f = new StagingFixture();
        var secret = f.Temp.WriteFile("other/secret.txt", "s");
        Directory.CreateDirectory(f.Temp["data"]);
        File.CreateSymbolicLink(f.Temp["data/innocent.txt"], secret);
        Directory.CreateSymbolicLink(f.Temp["data/dirlink"], f.Temp["other"]);
        var viaFile = f.Store.AddPosix(Url(f.Temp["data/innocent.txt"]), FakeArtifactStore.Sha("s"));
        var viaDir = f.Store.AddPosix(Url(f.Temp["data/dirlink/secret.txt"]), FakeArtifactStore.Sha("s"));

        var e1 = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { viaFile }, f.Temp["data"]));
        var e2 = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { viaDir }, f.Temp["data"]));

        Assert.Contains($"resolves to '{secret}', which is outside staging.allowed_posix_roots", e1.Message);
        Assert.Contains($"resolves to '{secret}', which is outside staging.allowed_posix_roots", e2.Message);
        Assert.Equal(FileKind.Missing, FileKindProbe.Of(f.InputPath(viaFile)));
        Assert.Equal(FileKind.Missing, FileKindProbe.Of(f.InputPath(viaDir)));
    }

    [Fact]
    public async Task A_sibling_with_the_root_as_name_prefix_is_outside()
    {
        using var f = new StagingFixture();
        Directory.CreateDirectory(f.Temp["data"]);
        var file = f.Temp.WriteFile("data2/x.txt", "x");
        var id = f.Store.AddPosix(Url(file), FakeArtifactStore.Sha("x"));

        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }, f.Temp["data"]));

        Assert.Contains("outside staging.allowed_posix_roots", e.Message);
    }

    [Fact]
    public async Task An_allowed_root_that_is_itself_a_link_is_compared_resolved()
    {
        using var f = new StagingFixture();
        var file = f.Temp.WriteFile("lustre/data/ref.fa", "ACGT");
        Directory.CreateSymbolicLink(f.Temp["data"], f.Temp["lustre/data"]);
        var id = f.Store.AddPosix(Url(f.Temp["data/ref.fa"]), FakeArtifactStore.Sha("ACGT"));

        await f.StageAsync(new[] { id }, f.Temp["data"]);

        Assert.Equal(StagingFixture.Inode(file), StagingFixture.Inode(f.InputPath(id)));
        Assert.Equal("ACGT", File.ReadAllText(f.InputPath(id)));
    }

    [Fact]
    public async Task Empty_allowlist_refuses_posix_inputs()
    {
        using var f = new StagingFixture();
        var file = f.Temp.WriteFile("data/ref.fa", "ACGT");
        var id = f.Store.AddPosix(Url(file), FakeArtifactStore.Sha("ACGT"));

        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }));

        Assert.Equal($"posix input {id} refused: no allowed posix roots are configured (set staging.allowed_posix_roots)", e.Message);
    }

    [Fact]
    public async Task Posix_content_mismatch_uses_the_reference_prefix()
    {
        using var f = new StagingFixture();
        var file = f.Temp.WriteFile("data/ref.fa", "ACGT");
        var wrong = FakeArtifactStore.Sha("TTTT");
        var id = f.Store.AddPosix(Url(file), wrong);

        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }, f.Temp["data"]));

        Assert.Equal($"input_hash_mismatch: artifact {id} expected={wrong} actual={FakeArtifactStore.Sha("ACGT")}", e.Message);
    }

    [Theory]
    [InlineData("http://example.org/x", "is not a file:// URL")]
    [InlineData("file://relative/x", "does not name an absolute path")]
    [InlineData(null, "is not a file:// URL")]
    public async Task Bad_content_urls_are_refused(string? url, string reason)
    {
        using var f = new StagingFixture();
        var id = f.Store.AddPosix(url!, null);

        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }, "/"));

        Assert.StartsWith($"posix input {id}: content_url '", e.Message);
        Assert.EndsWith(reason, e.Message);
    }

    [Fact]
    public async Task A_missing_location_is_reported()
    {
        using var f = new StagingFixture();
        Directory.CreateDirectory(f.Temp["data"]);
        var id = f.Store.AddPosix(Url(f.Temp["data/gone.txt"]), null);

        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }, f.Temp["data"]));

        Assert.Equal($"posix input {id}: '{f.Temp["data/gone.txt"]}' does not exist on this cluster", e.Message);
    }

    [Fact]
    public void Relative_allowed_roots_are_a_configuration_error()
    {
        using var f = new StagingFixture();
        var e = Assert.Throws<ArgumentException>(() => f.Stager("data"));
        Assert.StartsWith("staging.allowed_posix_roots entries must be absolute paths, got 'data'", e.Message);
    }
}
