using System.Text.Json.Nodes;
using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Staging;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Staging;

public class PosixStagingTests
{
    private static string Url(string path) => "file://" + path;

    [Fact]
    public async Task File_inside_an_allowed_root_is_linked_and_verified()
    {
        using var f = new StagingFixture();
        var file = f.Temp.WriteFile("data/ref.fa", "ACGT");
        var sha = FakeArtifactStore.Sha("ACGT");
        var id = f.Store.AddPosix(Url(file), sha);

        var staged = await f.StageAsync(new[] { id }, f.Temp["data"]);

        Assert.Equal(new StagedInput(id, null, f.InputPath(id), "posix", sha), Assert.Single(staged.Items));
        Assert.Equal(FileKind.Symlink, FileKindProbe.Of(f.InputPath(id)));
        Assert.Equal(file, new FileInfo(f.InputPath(id)).LinkTarget);
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
    public async Task Verification_stamp_is_reused_until_a_file_changes()
    {
        using var f = new StagingFixture();
        var file = f.Temp.WriteFile("data/big.bin", "pretend this is large");
        var id = f.Store.AddPosix(Url(file), FakeArtifactStore.Sha("pretend this is large"));
        await f.StageAsync(new[] { id }, f.Temp["data"]);

        var stampFile = Path.Combine(f.Dirs.Root, ".staging", id + ".verified.json");
        var stamp = JsonNode.Parse(File.ReadAllText(stampFile))!;
        Assert.Equal(id, (string?)stamp["artifact_id"]);
        Assert.Equal(file, (string?)stamp["path"]);
        Assert.Equal(FakeArtifactStore.Sha("pretend this is large"), (string?)stamp["files"]![0]!["sha256"]);
        Assert.Equal(21L, (long?)stamp["files"]![0]!["size"]);

        // Prove the second run trusts the stamp: make the stamp and the artifact agree on a hash the bytes do not have.
        var fake = FakeArtifactStore.Sha("fake");
        stamp["files"]![0]!["sha256"] = fake;
        File.WriteAllText(stampFile, stamp.ToJsonString());
        f.Store.Update(id, a => a with { Sha256 = fake });
        var staged = await f.StageAsync(new[] { id }, f.Temp["data"]);
        Assert.Equal(fake, staged.Items[0].Sha256);

        // A changed mtime invalidates the entry: the real hash is computed and no longer matches.
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(5));
        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }, f.Temp["data"]));
        Assert.Equal($"input_hash_mismatch: artifact {id} expected={fake} actual={FakeArtifactStore.Sha("pretend this is large")}", e.Message);
    }

    [Fact]
    public async Task A_corrupt_stamp_only_costs_a_rehash()
    {
        using var f = new StagingFixture();
        var file = f.Temp.WriteFile("data/x.txt", "hello");
        var id = f.Store.AddPosix(Url(file), FakeArtifactStore.Sha("hello"));
        Directory.CreateDirectory(Path.Combine(f.Dirs.Root, ".staging"));
        File.WriteAllText(Path.Combine(f.Dirs.Root, ".staging", id + ".verified.json"), "{not json");

        var staged = await f.StageAsync(new[] { id }, f.Temp["data"]);

        Assert.Equal(FakeArtifactStore.Sha("hello"), staged.Items[0].Sha256);
    }

    [Fact]
    public async Task Restaging_keeps_a_correct_link_and_replaces_a_wrong_one()
    {
        using var f = new StagingFixture();
        var file = f.Temp.WriteFile("data/ref.fa", "ACGT");
        var id = f.Store.AddPosix(Url(file), FakeArtifactStore.Sha("ACGT"));
        File.CreateSymbolicLink(f.InputPath(id), "/etc/passwd");

        await f.StageAsync(new[] { id }, f.Temp["data"]);
        Assert.Equal(file, new FileInfo(f.InputPath(id)).LinkTarget);

        await f.StageAsync(new[] { id }, f.Temp["data"]);
        Assert.Equal(file, new FileInfo(f.InputPath(id)).LinkTarget);
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

        Assert.Equal(file, new FileInfo(f.InputPath(id)).LinkTarget);
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
