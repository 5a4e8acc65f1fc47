using System.Text.Json;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Staging;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Staging;

public class InputStagerTests
{
    [Fact]
    public async Task Named_inputs_get_a_relative_link_next_to_the_id_directory()
    {
        using var f = new StagingFixture();
        var managed = f.Store.AddManaged(("a.txt", "hello"));
        var file = f.Temp.WriteFile("data/ref.fa", "ACGT");
        var posix = f.Store.AddPosix("file://" + file, FakeArtifactStore.Sha("ACGT"));

        var staged = await f.StageAsync(new Dictionary<string, string> { ["dataset"] = managed, ["reference"] = posix }, f.Temp["data"]);

        Assert.Equal(
            [
                new StagedInput(managed, "dataset", f.InputPath(managed), ArtifactResidence.Managed, f.Store.Artifacts[managed].Sha256),
                new StagedInput(posix, "reference", f.InputPath(posix), ArtifactResidence.Posix, FakeArtifactStore.Sha("ACGT")),
            ],
            staged.Items);
        Assert.Equal(managed, new FileInfo(f.InputPath("dataset")).LinkTarget);
        Assert.Equal(posix, new FileInfo(f.InputPath("reference")).LinkTarget);
        Assert.Equal("hello", File.ReadAllText(f.InputPath("dataset/a.txt")));
        Assert.Equal("ACGT", File.ReadAllText(f.InputPath("reference")));
        Assert.Equal([managed, posix], staged.ArtifactIds);
    }

    [Fact]
    public async Task One_artifact_under_two_names_is_fetched_once()
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged(("a.txt", "hello"));

        var staged = await f.StageAsync(new object[] { id, new Dictionary<string, string> { ["one"] = id, ["two"] = id } });

        Assert.Equal(["one", "two"], staged.Items.Select(i => i.Name));
        Assert.Equal(1, f.Store.GetCalls);
        Assert.Single(f.Store.Downloads);
        Assert.Equal([id], staged.ArtifactIds);
        Assert.Equal("hello", File.ReadAllText(f.InputPath("two/a.txt")));
    }

    [Fact]
    public async Task Restaging_with_names_is_idempotent_and_fixes_a_wrong_name_link()
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged(("a.txt", "hello"));
        var inputs = new[] { new { artifact_id = id, name = "dataset" } };
        await f.StageAsync(inputs);
        File.Delete(f.InputPath("dataset"));
        File.CreateSymbolicLink(f.InputPath("dataset"), "/etc");

        await f.StageAsync(inputs);

        Assert.Equal(id, new FileInfo(f.InputPath("dataset")).LinkTarget);
        Assert.Single(f.Store.Downloads);
    }

    [Fact]
    public async Task A_hostile_name_is_refused_before_any_request()
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged(("a.txt", "hello"));

        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new Dictionary<string, string> { ["../x"] = id }));

        Assert.Equal("inputs.../x: input name '../x' is not a safe file name (1-100 of A-Z a-z 0-9 . _ -, not '.' or '..')", e.Message);
        Assert.Equal(0, f.Store.GetCalls);
        Assert.Empty(f.AllEntries());
    }

    [Theory]
    [InlineData(ArtifactStatus.Created)]
    [InlineData(ArtifactStatus.Uploading)]
    [InlineData(ArtifactStatus.Registered)]
    [InlineData(ArtifactStatus.Failed)]
    public async Task Uncommitted_artifacts_are_refused(string status)
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged(("a.txt", "hello"));
        f.Store.Update(id, a => a with { Status = status });

        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }));

        Assert.Equal($"input artifact {id} is not committed (status {status})", e.Message);
        Assert.Equal(0, f.Store.ListCalls);
    }

    [Theory]
    [InlineData(ArtifactResidence.Http)]
    [InlineData(ArtifactResidence.S3)]
    [InlineData(ArtifactResidence.Reference)]
    [InlineData("ftp")]
    public async Task Residences_without_a_local_path_are_refused(string residence)
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged(("a.txt", "hello"));
        f.Store.Update(id, a => a with { Residence = residence, ContentUrl = "https://example.org/blob" });

        var e = await Assert.ThrowsAsync<StagingException>(() => f.StageAsync(new[] { id }));

        Assert.Equal($"residence '{residence}' inputs are not supported by this worker (artifact {id})", e.Message);
        Assert.Empty(f.Store.Downloads);
    }

    [Fact]
    public async Task Missing_residence_means_managed()
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged(("a.txt", "hello"));
        f.Store.Update(id, a => a with { Residence = null });

        var staged = await f.StageAsync(new[] { id });

        Assert.Equal(ArtifactResidence.Managed, staged.Items[0].Residence);
    }

    [Fact]
    public async Task No_inputs_stage_nothing()
    {
        using var f = new StagingFixture();

        var staged = await f.Stager().StageAsync(StagingFixture.JobId, null, f.Dirs, CancellationToken.None);
        var fromEmptyString = await f.Stager().StageAsync(StagingFixture.JobId, JsonSerializer.SerializeToElement(""), f.Dirs, CancellationToken.None);

        Assert.Empty(staged.Items);
        Assert.Empty(fromEmptyString.Items);
        Assert.Equal(0, f.Store.GetCalls);
    }

    [Fact]
    public async Task Staging_is_logged_with_job_and_artifact_fields()
    {
        using var f = new StagingFixture();
        var id = f.Store.AddManaged(("a.txt", "hello"));

        await f.StageAsync(new[] { id });

        var staged = Assert.Single(f.Log.Events, e => e.Message == "staged input");
        Assert.Equal(StagingFixture.JobId, staged.Fields["job_id"]);
        Assert.Equal(id, staged.Fields["artifact_id"]);
        Assert.Equal("managed", staged.Fields["residence"]);
    }
}
