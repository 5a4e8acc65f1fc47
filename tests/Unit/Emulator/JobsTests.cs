using System.Net;
using System.Text.Json;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emulator;

/// <summary>Job create, list, get, delete, transitions (SERVER-SPEC §6.4).</summary>
public class JobsTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Create_answers_201_with_pending_links_and_records_the_submitter()
    {
        using var response = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Post, "/api/hpc/jobs",
            """{"processor":"embed","profile":"","parameters":{"k":[1,2]},"timeout_seconds":90.7,"submit_user":"mallory"}"""));
        await HttpAssert.StatusAsync(HttpStatusCode.Created, response);
        var created = await response.ReadAsAsync<CreatedJobDto>();
        Assert.Equal(JobStatus.Pending, created.Status);
        Assert.Equal(["self", "claim", "cancel", "transitions"], created.Links!.Keys);
        Assert.Equal(new LinkDto($"/api/hpc/jobs/{created.Id}/claim", "POST"), created.Links["claim"]);

        var job = f.Server.GetJob(created.Id)!;
        Assert.Null(job.Profile); // "" is stored as null
        Assert.Equal(90, job.TimeoutSeconds);
        Assert.Equal("""{"k":[1,2]}""", job.Parameters!.Value.GetRawText());
        Assert.StartsWith("editor-", job.SubmitUser);
        var history = Assert.Single(f.Server.GetTransitions(created.Id));
        Assert.Null(history.FromStatus);
        Assert.Equal(JobStatus.Pending, history.ToStatus);
        Assert.Equal("Job created", history.Detail);
    }

    [Fact]
    public async Task Hmac_created_jobs_have_no_submitter()
    {
        using var response = await f.SendAsync(f.AsWorker(HttpMethod.Post, "/api/hpc/jobs", """{"processor":"p"}"""));
        await HttpAssert.StatusAsync(HttpStatusCode.Created, response);
        Assert.Null(f.Server.GetJob((await response.ReadAsAsync<CreatedJobDto>()).Id)!.SubmitUser);
    }

    [Theory]
    [InlineData("""{"profile":"x"}""", "processor is required")]
    [InlineData("""{"processor":"  "}""", "processor is required")]
    [InlineData("""{"processor":42}""", "processor must be a string")]
    [InlineData("""{"processor":"p","timeout_seconds":"soon"}""", "timeout_seconds must be a number")]
    [InlineData("[1]", "expected a JSON object")]
    [InlineData("", "Invalid request body")]
    [InlineData("{\"processor\":", "Invalid request body")]
    public async Task Create_rejects_bad_bodies(string json, string detail)
    {
        using var response = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Post, "/api/hpc/jobs", json));
        await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, response, detail);
    }

    [Fact]
    public async Task Create_rejects_overlong_processor()
    {
        using var response = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Post, "/api/hpc/jobs",
            $$"""{"processor":"{{new string('p', 1025)}}"}"""));
        await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, response, "at most 1024");
    }

    [Fact]
    public async Task Inputs_must_exist_and_be_committed()
    {
        var missing = Guid.NewGuid().ToString();
        using (var notFound = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Post, "/api/hpc/jobs",
                   $$"""{"processor":"p","inputs":["{{missing}}"]}""")))
            await HttpAssert.ProblemAsync(HttpStatusCode.NotFound, notFound, $"artifact {missing} not found");

        var uncommitted = await Scenario.CreateArtifactAsync(f);
        using (var conflict = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Post, "/api/hpc/jobs",
                   $$$"""{"processor":"p","inputs":{"reads":"{{{uncommitted}}}"}}""")))
            await HttpAssert.ProblemAsync(HttpStatusCode.Conflict, conflict, "not COMMITTED");
        Assert.DoesNotContain(f.Server.ListJobs(), j => j.Inputs?.GetRawText().Contains(uncommitted) == true);
    }

    [Fact]
    public async Task Committed_inputs_are_accepted_and_enriched_on_read()
    {
        var input = await Scenario.CommittedArtifactAsync(f, ("a.txt", "A"));
        var jobId = await Scenario.CreateJobAsync(f, "p", extraJson: $$"""
            "inputs":["{{input}}",{"artifact_id":"{{input}}","role":"ref"},{"id":"{{Guid.NewGuid()}}"},7]
            """);
        var inputs = (await Scenario.GetJobAsync(f, jobId)).Inputs!.Value.EnumerateArray().ToArray();
        Assert.Equal(["id", "name", "type", "status"], Scenario.Keys(inputs[0]));
        Assert.Equal(ArtifactStatus.Committed, inputs[0].GetProperty("status").GetString());
        Assert.Equal(["artifact_id", "role", "id", "name", "type", "status"], Scenario.Keys(inputs[1]));
        Assert.Equal(["id", "artifact_id"], Scenario.Keys(inputs[2])); // unknown artifact: only the ids
        Assert.Equal(7, inputs[3].GetInt32());
    }

    [Fact]
    public async Task Get_returns_every_key_with_nulls_present()
    {
        var jobId = await Scenario.CreateJobAsync(f, "p");
        using var response = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, $"/api/hpc/jobs/{jobId}"));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        var body = await response.ReadJsonAsync();
        Assert.Equal(["id", "processor", "profile", "status", "worker_id", "slurm_job_id", "submit_user", "output_artifact_id",
            "log_artifact_id", "timeout_seconds", "created_at", "claimed_at", "submitted_at", "started_at", "completed_at",
            "phase", "message", "progress", "_links"], Scenario.Keys(body));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("progress").ValueKind);
        Assert.True(ServerTimestamp.TryParse(body.GetProperty("created_at").GetString(), out _));
        Assert.DoesNotContain('Z', body.GetProperty("created_at").GetString()!);
    }

    [Fact]
    public async Task Get_unknown_job_is_404()
    {
        var id = Guid.NewGuid();
        using var response = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, $"/api/hpc/jobs/{id}"));
        await HttpAssert.ProblemAsync(HttpStatusCode.NotFound, response, $"Job {id} not found");
    }

    [Fact]
    public async Task List_pages_with_limit_offset_and_total_count()
    {
        var processor = Scenario.Unique("list");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add(await Scenario.CreateJobAsync(f, processor));

        async Task<(PagedList<JobDto> Page, string? Total)> ListAsync(string query)
        {
            using var response = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, $"/api/hpc/jobs?processor={processor}{query}"));
            await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
            return (await response.ReadAsAsync<PagedList<JobDto>>(), response.Header(ProtocolHeaders.TotalCount));
        }

        var (page, total) = await ListAsync("&limit=2&offset=1");
        Assert.Equal("5", total);
        Assert.Equal(ids.Skip(1).Take(2), page.Items.Select(j => j.Id)); // created_at order
        Assert.Equal((2, 5, 2, 1), (page.Count, page.TotalCount, page.Limit, page.Offset));
        Assert.Equal(new LinkDto("/api/hpc/jobs", "GET"), page.Links!["self"]);

        var (all, _) = await ListAsync("&limit=0");
        Assert.Equal((5, 0), (all.Count, all.Limit));
        var (clamped, _) = await ListAsync("&limit=-3&offset=-9");
        Assert.Equal((0, 0, 5), (clamped.Limit, clamped.Offset, clamped.Count));
        var (defaults, _) = await ListAsync("&limit=ten&offset=1.5");
        Assert.Equal((100, 0, 5), (defaults.Limit, defaults.Offset, defaults.Count));
        var (beyond, beyondTotal) = await ListAsync("&offset=10");
        Assert.Equal(0, beyond.Count);
        Assert.Equal("5", beyondTotal);
    }

    [Fact]
    public async Task List_defaults_to_pending_and_filters_by_exact_status_and_profile()
    {
        var processor = Scenario.Unique("filter");
        var worker = await Scenario.RegisteredWorkerAsync(f, processor, "gpu");
        var pending = await Scenario.CreateJobAsync(f, processor, "gpu");
        var claimed = await Scenario.CreateJobAsync(f, processor, "gpu");
        await Scenario.CreateJobAsync(f, processor, "cpu");
        using (var claim = await Scenario.ClaimAsync(f, claimed, worker)) await HttpAssert.StatusAsync(HttpStatusCode.OK, claim);

        async Task<string[]> IdsAsync(string query)
        {
            using var response = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, $"/api/hpc/jobs?processor={processor}{query}"));
            return (await response.ReadAsAsync<PagedList<JobDto>>()).Items.Select(j => j.Id).ToArray();
        }

        Assert.Equal(2, (await IdsAsync("")).Length);
        Assert.Equal([pending], await IdsAsync("&profile=gpu"));
        Assert.Equal([claimed], await IdsAsync("&status=CLAIMED"));
        Assert.Empty(await IdsAsync("&status=claimed"));
        Assert.Empty(await IdsAsync("&status="));
        Assert.Empty(await IdsAsync("&status=PENDING,CLAIMED"));
    }

    [Fact]
    public async Task Transitions_of_an_unknown_job_are_an_empty_200()
    {
        using var response = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, $"/api/hpc/jobs/{Guid.NewGuid()}/transitions"));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Equal("""{"items":[],"count":0}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Transitions_list_the_history_in_order()
    {
        var (jobId, worker) = await Scenario.JobInStatusAsync(f, JobStatus.Started);
        using var response = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, $"/api/hpc/jobs/{jobId}/transitions"));
        var list = await response.ReadAsAsync<ItemList<TransitionDto>>();
        Assert.Equal(4, list.Count);
        Assert.Equal([null, "PENDING", "CLAIMED", "SUBMITTED"], list.Items.Select(t => t.FromStatus));
        Assert.Equal(["PENDING", "CLAIMED", "SUBMITTED", "STARTED"], list.Items.Select(t => t.ToStatus));
        Assert.Equal($"Claimed by worker {worker.WorkerId}", list.Items[1].Detail);
        var first = (await response.ReadJsonAsync()).GetProperty("items")[0];
        Assert.Equal(["id", "job_id", "from_status", "to_status", "timestamp", "worker_id", "detail", "phase", "message", "progress"], Scenario.Keys(first));
    }

    [Fact]
    public async Task Delete_needs_a_terminal_job_and_the_submitter_or_a_manager()
    {
        var jobId = await Scenario.CreateJobAsync(f, "p", token: EmulatorFixture.EditorToken);
        using (var other = await f.SendAsync(f.AsUser(EmulatorFixture.OtherEditorToken, HttpMethod.Delete, $"/api/hpc/jobs/{jobId}")))
            await HttpAssert.ProblemAsync(HttpStatusCode.Forbidden, other, "Only the job submitter or a manager can delete this job");
        using (var early = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Delete, $"/api/hpc/jobs/{jobId}")))
            await HttpAssert.ProblemAsync(HttpStatusCode.Conflict, early, $"Cannot delete job {jobId} in non-terminal status PENDING. Cancel it first.");
        using (var cancel = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Post, $"/api/hpc/jobs/{jobId}/cancel")))
            await HttpAssert.StatusAsync(HttpStatusCode.OK, cancel);
        using (var deleted = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Delete, $"/api/hpc/jobs/{jobId}")))
            await HttpAssert.StatusAsync(HttpStatusCode.NoContent, deleted);
        Assert.Null(f.Server.GetJob(jobId));
        Assert.Empty(f.Server.GetTransitions(jobId));
        using var gone = await f.SendAsync(f.AsUser(EmulatorFixture.ManagerToken, HttpMethod.Delete, $"/api/hpc/jobs/{jobId}"));
        await HttpAssert.ProblemAsync(HttpStatusCode.NotFound, gone);
    }

    [Fact]
    public async Task Manager_may_delete_someone_elses_finished_job()
    {
        var (jobId, _) = await Scenario.JobInStatusAsync(f, JobStatus.Completed);
        using var deleted = await f.SendAsync(f.AsUser(EmulatorFixture.ManagerToken, HttpMethod.Delete, $"/api/hpc/jobs/{jobId}"));
        await HttpAssert.StatusAsync(HttpStatusCode.NoContent, deleted);
    }
}
