using System.Text.Json;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.State;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Emx2Hpc.Tests.Unit.State;

public sealed class ClaimedJobTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("emx2hpc-claimed-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private const string Good = """
        {"id":"5c8e7a3e-0000-4000-8000-000000000001","processor":"embed","profile":"gpu","status":"CLAIMED",
         "submit_user":"alice","parameters":{"n":3},"inputs":["a1"],"timeout_seconds":60}
        """;

    [Fact]
    public void Stored_json_parses_into_the_job_as_claimed()
    {
        var job = ClaimedJob.FromStored(Good, "5c8e7a3e-0000-4000-8000-000000000001").Job;
        Assert.Equal(("embed", "gpu", "alice", 60), (job.Processor, job.Profile, job.SubmitUser, job.TimeoutSeconds));
        Assert.Equal(3, job.Parameters!.Value.GetProperty("n").GetInt32());
        Assert.Equal("a1", job.Inputs!.Value[0].GetString());
    }

    [Fact]
    public void A_claim_answer_is_stored_as_its_serialized_text_and_not_parsed_back()
    {
        var dto = new JobDto { Id = "j", Processor = "embed", SubmitUser = "bob" };
        var claim = ClaimedJob.Of(dto);
        Assert.Same(dto, claim.Job);
        Assert.Equal(JsonSerializer.Serialize(dto, JsonDefaults.Options), claim.Json);
        Assert.Equal(claim, ClaimedJob.FromStored(claim.Json));
    }

    [Fact]
    public void Parsed_once_however_often_it_is_read()
    {
        var claim = ClaimedJob.FromStored(Good);
        var row = new TrackedJob { JobId = "j", Claim = claim };
        Assert.Same(claim.Job, (row with { Phase = LocalPhase.Submitting }).Claim!.Job);
    }

    [Theory]
    [InlineData("{\"id\":", "is not valid JSON")]
    [InlineData("not json", "is not valid JSON")]
    [InlineData("[1,2]", "is not valid JSON")]
    [InlineData("\"a string\"", "is not valid JSON")]
    [InlineData("{\"timeout_seconds\":\"soon\"}", "is not valid JSON")]
    [InlineData("null", "is JSON null, not a job object")]
    public void Malformed_json_is_refused_naming_the_job_and_the_column(string json, string what)
    {
        var claim = ClaimedJob.FromStored(json, "job-7"); // storing never parses
        var ex = Assert.Throws<FormatException>(() => claim.Job);
        Assert.StartsWith("the stored claimed job of job-7 (tracked_jobs.job_json) ", ex.Message);
        Assert.Contains(what, ex.Message);
    }

    [Fact]
    public void A_row_with_damaged_json_still_lists_and_fails_only_where_the_claim_is_read()
    {
        using var store = StateStore.Open(Path.Combine(_dir, "state.db"));
        store.Upsert(new TrackedJob { JobId = "j", JobJson = "{broken" });
        var row = Assert.Single(store.ListJobs());
        Assert.Equal("{broken", row.JobJson);
        Assert.Contains("of j (tracked_jobs.job_json)", Assert.Throws<FormatException>(() => row.Claim!.Job).Message);
    }
}
