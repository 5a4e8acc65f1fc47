using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Staging;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Staging;

public class ManagedStagingTests
{
    private const string HelloSha = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    [Fact]
    public async Task Downloads_every_file_to_its_path_and_verifies_the_tree()
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged(("a.txt", "hello"), ("sub/b.csv", "x,y\n"));

        var staged = await f.StageAsync(new[] { id });

        var item = Assert.Single(staged.Items);
        Assert.Equal(new StagedInput(id, null, f.InputPath(id), "managed", f.Store.Artifacts[id].Sha256), item);
        Assert.Equal("hello", File.ReadAllText(f.InputPath($"{id}/a.txt")));
        Assert.Equal("x,y\n", File.ReadAllText(f.InputPath($"{id}/sub/b.csv")));
        Assert.Equal(TreeHash.Compute([("a.txt", HelloSha), ("sub/b.csv", FakeArtifactStore.Sha("x,y\n"))]), item.Sha256);
        Assert.Equal([$"{id}/a.txt", $"{id}/sub/b.csv"], f.Store.Downloads);
        Assert.DoesNotContain(f.AllEntries(), e => e.EndsWith(".part", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Per_file_hash_mismatch_fails_and_leaves_no_file()
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged(("a.txt", "hello"));
        var claimed = FakeArtifactStore.Sha("something else");
        f.Store.UpdateFile(id, "a.txt", s => s with { Row = s.Row with { Sha256 = claimed }, Header = null });

        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }));

        Assert.Equal($"input_hash_mismatch: artifact {id} file 'a.txt' expected={claimed} actual={HelloSha}", e.Message);
        Assert.True(e.IsHashMismatch);
        Assert.Empty(f.AllEntries());
    }

    [Fact]
    public async Task Content_sha256_header_mismatch_fails()
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged(("a.txt", "hello"));
        var header = FakeArtifactStore.Sha("tampered");
        f.Store.UpdateFile(id, "a.txt", s => s with { Header = header });

        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }));

        Assert.Equal($"input_hash_mismatch: artifact {id} file 'a.txt' (X-Content-SHA256) expected={header} actual={HelloSha}", e.Message);
        Assert.Empty(f.AllEntries());
    }

    [Fact]
    public async Task Tree_hash_mismatch_uses_the_reference_prefix()
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged(("a.txt", "hello"), ("b.txt", "bye"));
        var actual = f.Store.Artifacts[id].Sha256;
        var wrong = FakeArtifactStore.Sha("wrong");
        f.Store.Update(id, a => a with { Sha256 = wrong });

        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }));

        Assert.Equal($"input_hash_mismatch: artifact {id} expected={wrong} actual={actual}", e.Message);
    }

    [Fact]
    public async Task Upper_case_hashes_from_the_server_still_match()
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged(("a.txt", "hello"));
        f.Store.UpdateFile(id, "a.txt", s => s with { Row = s.Row with { Sha256 = HelloSha.ToUpperInvariant() }, Header = HelloSha.ToUpperInvariant() });
        f.Store.Update(id, a => a with { Sha256 = HelloSha.ToUpperInvariant() });

        var staged = await f.StageAsync(new[] { id });

        Assert.Equal(HelloSha, staged.Items[0].Sha256);
    }

    [Fact]
    public async Task Second_run_downloads_nothing_and_a_damaged_file_is_fetched_again()
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged(("a.txt", "hello"), ("sub/b.txt", "bye"), ("c.txt", "sea"));
        await f.StageAsync(new[] { id });
        Assert.Equal(3, f.Store.Downloads.Count);

        await f.StageAsync(new[] { id });
        Assert.Equal(3, f.Store.Downloads.Count);

        File.WriteAllText(f.InputPath($"{id}/sub/b.txt"), "corrupted");
        File.Delete(f.InputPath($"{id}/c.txt"));
        File.WriteAllText(f.InputPath($"{id}/a.txt.part"), "left over by a crash");
        await f.StageAsync(new[] { id });

        Assert.Equal([$"{id}/a.txt", $"{id}/sub/b.txt", $"{id}/c.txt", $"{id}/sub/b.txt", $"{id}/c.txt"], f.Store.Downloads);
        Assert.False(File.Exists(f.InputPath($"{id}/a.txt.part")));
        Assert.Equal("bye", File.ReadAllText(f.InputPath($"{id}/sub/b.txt")));
        Assert.Equal("sea", File.ReadAllText(f.InputPath($"{id}/c.txt")));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/abs")]
    [InlineData("a\\..\\b")]
    [InlineData("a\0b")]
    [InlineData("dir/../../x")]
    [InlineData("a\\b")]
    [InlineData("a//b")]
    [InlineData("")]
    public async Task Hostile_paths_are_refused_before_anything_is_written(string hostile)
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged(("fine.txt", "ok"), (hostile, "owned"));

        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }));

        Assert.StartsWith($"managed input {id}: file path '", e.Message);
        Assert.Contains("rejected", e.Message);
        Assert.Empty(f.AllEntries());
        Assert.Empty(f.Store.Downloads);
        Assert.False(Directory.Exists(f.InputPath(id)));
    }

    [Fact]
    public async Task A_2000_character_path_is_refused_with_a_short_message()
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged((new string('x', 2000), "long"));

        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }));

        Assert.EndsWith("rejected: path is longer than 1024 characters", e.Message);
        Assert.True(e.Message.Length < 300);
        Assert.Empty(f.AllEntries());
    }

    [Fact]
    public async Task A_link_planted_inside_the_destination_is_not_written_through()
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged(("sub/a.txt", "hello"));
        Directory.CreateDirectory(f.Temp["outside"]);
        Directory.CreateDirectory(f.InputPath(id));
        Directory.CreateSymbolicLink(f.InputPath($"{id}/sub"), f.Temp["outside"]);

        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }));

        Assert.Equal($"managed input {id}: 'sub/a.txt' would be written through a symbolic link", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(f.Temp["outside"]));
    }

    [Fact]
    public async Task A_stale_link_at_the_artifact_directory_is_replaced_by_a_real_directory()
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged(("a.txt", "hello"));
        Directory.CreateDirectory(f.Temp["outside"]);
        Directory.CreateSymbolicLink(f.InputPath(id), f.Temp["outside"]);

        await f.StageAsync(new[] { id });

        Assert.Equal(FileKind.Directory, FileKindProbe.Of(f.InputPath(id)));
        Assert.Equal("hello", File.ReadAllText(f.InputPath($"{id}/a.txt")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(f.Temp["outside"]));
    }

    [Fact]
    public async Task Duplicate_and_clashing_paths_are_refused()
    {
        using var f = new StagingFixture();
        var twice = f.Store.AddManaged(("a.txt", "1"), ("a.txt", "2"));
        var clash = f.Store.AddManaged(("a", "file"), ("a/b", "below"));

        var e1 = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { twice }));
        var e2 = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { clash }));

        Assert.Equal($"managed input {twice}: file path 'a.txt' is listed twice", e1.Message);
        Assert.Equal($"managed input {clash}: file 'a' is also a directory of another file", e2.Message);
    }

    [Fact]
    public async Task Empty_artifact_without_hash_is_an_empty_directory()
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged();

        var staged = await f.StageAsync(new[] { id });

        Assert.Null(staged.Items[0].Sha256);
        Assert.True(Directory.Exists(f.InputPath(id)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(f.InputPath(id)));
    }

    [Fact]
    public async Task Empty_artifact_with_a_hash_cannot_match()
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged();
        f.Store.Update(id, a => a with { Sha256 = HelloSha });

        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }));

        Assert.Equal($"input_hash_mismatch: artifact {id} expected={HelloSha} actual=(no files)", e.Message);
    }

    [Fact]
    public async Task Artifact_without_hash_is_staged_with_a_warning()
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged(("a.txt", "hello"));
        f.Store.Update(id, a => a with { Sha256 = null });

        var staged = await f.StageAsync(new[] { id });

        Assert.Equal(HelloSha, staged.Items[0].Sha256);
        Assert.Contains(f.Log.Events, e => e.Message == "managed input declares no sha256; tree not verified");
    }
}
