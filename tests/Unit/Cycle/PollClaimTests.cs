using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.State;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

public sealed class PollClaimTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Claims_no_more_than_max_concurrent_jobs_and_takes_the_rest_once_one_finished()
    {
        await using var h = await CycleHarness.StartAsync(output, o => { o.Scripted = true; o.MaxConcurrentJobs = 2; });
        var a = await h.CreateJobAsync();
        var b = await h.CreateJobAsync();
        var c = await h.CreateJobAsync();

        var first = await h.RunCycleAsync();

        Assert.Equal(2, first.Claimed);
        Assert.Equal(2, first.Submitted);
        Assert.Equal([JobStatus.Submitted, JobStatus.Submitted, JobStatus.Pending], new[] { a, b, c }.Select(id => h.Job(id).Status));
        Assert.Null(h.Job(c).WorkerId);
        Assert.Equal([a, b], h.Store.ListJobs().Select(j => j.JobId));
        Assert.Equal(2, h.Server.RequestLog.Count("POST", "/api/hpc/jobs/{id}/claim"));

        // Still full: no claim attempt at all for the third job.
        await h.RunCycleAsync();
        Assert.Equal(JobStatus.Pending, h.Job(c).Status);
        Assert.Equal(2, h.Server.RequestLog.Count("POST", "/api/hpc/jobs/{id}/claim"));

        // One finishes; the cycle that reports it frees the slot, the next one claims the third job.
        h.Scripted.SetStateOf(a, "RUNNING");
        await h.RunCycleAsync();
        h.WriteOutput(a, $"slurm-{h.Scripted.IdFor(a)}.out", "done\n");
        h.WriteOutput(a, "result.txt", "42\n");
        h.Scripted.SetStateOf(a, "COMPLETED", "0:0");
        await h.RunCycleAsync();
        Assert.Equal(JobStatus.Completed, h.Job(a).Status);
        Assert.Equal(JobStatus.Pending, h.Job(c).Status);

        var next = await h.RunCycleAsync();

        Assert.Equal(1, next.Claimed);
        Assert.Equal(JobStatus.Submitted, h.Job(c).Status);
        Assert.Equal(CycleHarness.WorkerId, h.Job(c).WorkerId);
        Assert.Equal(new[] { b, c }.Order(), h.Store.ListJobs().Select(j => j.JobId).Order());
        Assert.True(h.Store.IsFinished(a));
        Assert.Equal(3, h.Scripted.Submitted.Count);
    }

    [Fact]
    public async Task A_long_queue_costs_one_page_when_capacity_is_small()
    {
        await using var h = await CycleHarness.StartAsync(output, o => { o.Scripted = true; o.MaxConcurrentJobs = 2; });
        var ids = new List<string>();
        for (var i = 0; i < 150; i++) ids.Add(await h.CreateJobAsync());
        h.Server.RequestLog.Reset();

        var report = await h.RunCycleAsync();

        Assert.Equal(2, report.Claimed);
        // Three reconciliation lists (CLAIMED, SUBMITTED, STARTED) and one page of PENDING, not two.
        Assert.Equal(4, h.Server.RequestLog.Count("GET", "/api/hpc/jobs"));
        Assert.Equal([ids[0], ids[1]], h.Store.ListJobs().Select(j => j.JobId));
    }

    [Fact]
    public async Task Leaves_jobs_of_other_processors_and_unconfigured_profiles_untouched()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        var other = await h.CreateJobAsync(processor: "text-embedding:v4");
        var unknownProfile = await h.CreateJobAsync(profile: "gpu-large");
        var noProfile = await h.CreateJobAsync(profile: null); // no "default" profile configured here
        var ours = await h.CreateJobAsync();

        var report = await h.RunCycleAsync();

        Assert.Equal(1, report.Claimed);
        Assert.Equal(JobStatus.Submitted, h.Job(ours).Status);
        foreach (var id in new[] { other, unknownProfile, noProfile })
        {
            var job = h.Job(id);
            Assert.Equal(JobStatus.Pending, job.Status);
            Assert.Null(job.WorkerId);
            Assert.Equal([JobStatus.Pending], h.Statuses(id));
        }
        Assert.Equal(1, h.Server.RequestLog.Count("POST", "/api/hpc/jobs/{id}/claim"));
    }

    [Fact]
    public async Task A_job_without_profile_is_served_by_the_default_profile_and_never_claimed_twice()
    {
        await using var h = await CycleHarness.StartAsync(output, o =>
        {
            o.Scripted = true;
            o.Profiles.Add(CycleHarness.HostProfile(CycleHarness.Processor, ProfileConfig.DefaultProfileName) with { Cpus = 2 });
        });
        var profileless = await h.CreateJobAsync(profile: null);
        var explicitDefault = await h.CreateJobAsync(profile: "default");
        var gpu = await h.CreateJobAsync();

        var report = await h.RunCycleAsync();

        Assert.Equal(3, report.Claimed);
        Assert.Empty(report.Errors);
        Assert.All(new[] { profileless, explicitDefault, gpu }, id => Assert.Equal(JobStatus.Submitted, h.Job(id).Status));
        Assert.Equal(3, h.Server.RequestLog.Count("POST", "/api/hpc/jobs/{id}/claim"));
        var specs = h.Scripted.Submitted.ToDictionary(s => s.Emx2JobId);
        Assert.Equal(2, specs[profileless].Resources.Cpus); // the default profile's resources
        Assert.Equal(2, specs[explicitDefault].Resources.Cpus);
        Assert.Equal(1, specs[gpu].Resources.Cpus);
    }

    [Fact]
    public async Task A_job_another_worker_claimed_first_is_skipped_without_side_effects()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        const string otherId = "other-worker-02";
        const string otherSecret = "other-worker-secret-0123456789abcdefghijklmnop";
        h.Server.SetWorkerSecret(otherId, otherSecret);
        using var other = new Emx2Client(new Emx2ClientOptions { BaseUrl = h.Server.BaseUrl, WorkerId = otherId, Secret = otherSecret, Clock = h.Clock });
        await other.RegisterWorkerAsync(new RegisterWorkerRequest
        {
            WorkerId = otherId, Hostname = "elsewhere",
            Capabilities = [new CapabilityDto { Processor = CycleHarness.Processor, Profile = CycleHarness.Profile, MaxConcurrentJobs = 5 }],
        });
        var contested = await h.CreateJobAsync();
        var free = await h.CreateJobAsync();
        var raced = false;
        // The other worker claims the job in the instant between our list and our claim.
        h.Http.Respond(request =>
        {
            if (!raced && request.RequestUri!.AbsolutePath == $"/api/hpc/jobs/{contested}/claim")
            {
                raced = true;
                other.ClaimAsync(contested).GetAwaiter().GetResult();
            }
            return null;
        });

        var report = await h.RunCycleAsync();

        Assert.True(raced);
        Assert.Equal(1, report.Claimed);
        Assert.Empty(report.Errors);
        Assert.Equal(otherId, h.Job(contested).WorkerId);
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed], h.Statuses(contested));
        Assert.Null(h.Store.GetJob(contested));
        Assert.False(h.Store.IsFinished(contested));
        Assert.Equal(JobStatus.Submitted, h.Job(free).Status);
        Assert.Equal(409, h.Sent.Single(r => r.Path == $"/api/hpc/jobs/{contested}/claim").Status);
        Assert.Equal([free], h.Scripted.Submitted.Select(s => s.Emx2JobId));

        // Later cycles leave the other worker's job alone too.
        await h.RunCycleAsync();
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed], h.Statuses(contested));
        Assert.Single(h.Sent, r => r.Path == $"/api/hpc/jobs/{contested}/claim");
    }
}
