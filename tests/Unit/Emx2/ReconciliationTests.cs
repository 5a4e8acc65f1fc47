using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol.Dtos;
using Xunit;
using static Emx2Hpc.Tests.Unit.Emx2.ClientFixture;

namespace Emx2Hpc.Tests.Unit.Emx2;

/// <summary>Claim and commit are not blindly repeated: a lost response is settled by reading the server state.</summary>
public class ReconciliationTests
{
    private const string Sha = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";

    [Fact]
    public async Task Claim_with_lost_response_succeeds_when_the_job_is_claimed_by_this_worker()
    {
        var (client, handler, _) = Create();
        handler.ThenProblem(502, "Bad Gateway", "proxy lost the response")
               .ThenJson(200, JobJson(status: "CLAIMED", workerId: WorkerId));

        var job = await client.ClaimAsync(JobId);

        Assert.Equal("CLAIMED", job.Status);
        Assert.Equal(WorkerId, job.WorkerId);
        var requests = handler.Requests;
        Assert.Equal(["POST", "GET"], requests.Select(r => r.Method).ToArray());
        Assert.Equal($"/api/hpc/jobs/{JobId}/claim", requests[0].PathAndQuery);
        Assert.Equal("""{"worker_id":"worker-1"}""", requests[0].BodyText);
        Assert.Equal($"/api/hpc/jobs/{JobId}", requests[1].PathAndQuery);
    }

    [Fact]
    public async Task Claim_with_lost_response_reports_a_conflict_when_another_worker_holds_the_job()
    {
        var (client, handler, _) = Create();
        handler.ThenThrow(new HttpRequestException("The response ended prematurely."))
               .ThenJson(200, JobJson(status: "CLAIMED", workerId: "worker-2"));

        var ex = await Assert.ThrowsAsync<Emx2ConflictException>(() => client.ClaimAsync(JobId));

        Assert.Equal(409, ex.Status);
        Assert.True(ex.AfterUnconfirmedAttempt);
        Assert.Contains($"Job {JobId} is not in PENDING status (current: CLAIMED, worker: worker-2) after an unconfirmed claim", ex.Message);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Claim_is_tried_again_when_the_reread_shows_the_job_still_pending()
    {
        var (client, handler, clock) = Create();
        handler.ThenProblem(503, "Service Unavailable", "restarting")
               .ThenJson(200, JobJson(status: "PENDING"))
               .ThenJson(200, JobJson(status: "CLAIMED", workerId: WorkerId, claimedAt: "2026-03-11T10:30:00"));

        var job = await client.ClaimAsync(JobId);

        Assert.Equal("CLAIMED", job.Status);
        Assert.Equal(["POST", "GET", "POST"], handler.Requests.Select(r => r.Method).ToArray());
        Assert.Equal([TimeSpan.FromSeconds(0.25)], clock.Fired);
    }

    [Fact]
    public async Task Claim_that_lands_late_is_recognised_when_the_next_claim_meets_409()
    {
        var (client, handler, _) = Create();
        handler.ThenProblem(504, "Gateway Timeout", "slow")
               .ThenJson(200, JobJson(status: "PENDING"))
               .ThenProblem(409, "Conflict", $"Job {JobId} is not in PENDING status (current: CLAIMED)")
               .ThenJson(200, JobJson(status: "CLAIMED", workerId: WorkerId));

        var job = await client.ClaimAsync(JobId);

        Assert.Equal(WorkerId, job.WorkerId);
        Assert.Equal(["POST", "GET", "POST", "GET"], handler.Requests.Select(r => r.Method).ToArray());
    }

    [Fact]
    public async Task A_plain_claim_conflict_is_reported_without_rereading()
    {
        var (client, handler, _) = Create();
        handler.ThenProblem(409, "Conflict", $"Job {JobId} is not in PENDING status (current: CLAIMED)");

        var ex = await Assert.ThrowsAsync<Emx2ConflictException>(() => client.ClaimAsync(JobId));

        Assert.Equal($"POST /api/hpc/jobs/{JobId}/claim → 409 Conflict: Job {JobId} is not in PENDING status (current: CLAIMED)", ex.Message);
        Assert.False(ex.IsHashMismatch);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Commit_retry_that_meets_already_committed_with_the_same_hash_is_success()
    {
        var (client, handler, _) = Create();
        handler.ThenProblem(503, "Service Unavailable", "db failover")
               .ThenProblem(409, "Conflict", $"Artifact {ArtifactId} cannot be committed from status COMMITTED")
               .ThenJson(200, ArtifactJson("COMMITTED", Sha));

        var artifact = await client.CommitArtifactAsync(ArtifactId, new CommitRequest { Sha256 = Sha, SizeBytes = 10 });

        Assert.Equal("COMMITTED", artifact.Status);
        Assert.Equal(Sha, artifact.Sha256);
        Assert.Equal(10, artifact.SizeBytes);
        var requests = handler.Requests;
        Assert.Equal(["POST", "POST", "GET"], requests.Select(r => r.Method).ToArray());
        Assert.Equal($$"""{"sha256":"{{Sha}}","size_bytes":10}""", requests[1].BodyText);
        Assert.Equal($"/api/hpc/artifacts/{ArtifactId}", requests[2].PathAndQuery);
    }

    [Fact]
    public async Task Commit_conflict_with_a_different_committed_hash_is_reported()
    {
        var (client, handler, _) = Create();
        handler.ThenProblem(503, "Service Unavailable", "db failover")
               .ThenProblem(409, "Conflict", $"Artifact {ArtifactId} cannot be committed from status COMMITTED")
               .ThenJson(200, ArtifactJson("COMMITTED", new string('0', 64)));

        var ex = await Assert.ThrowsAsync<Emx2ConflictException>(() => client.CommitArtifactAsync(ArtifactId, new CommitRequest { Sha256 = Sha }));

        Assert.Contains("cannot be committed from status COMMITTED", ex.Message);
        Assert.True(ex.AfterUnconfirmedAttempt);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task Hash_mismatch_is_neither_retried_nor_reconciled()
    {
        var (client, handler, _) = Create();
        handler.ThenProblem(409, "Hash Mismatch", $"client={Sha} computed=abc");

        var ex = await Assert.ThrowsAsync<Emx2ConflictException>(() => client.CommitArtifactAsync(ArtifactId, new CommitRequest { Sha256 = Sha }));

        Assert.True(ex.IsHashMismatch);
        Assert.Equal($"client={Sha} computed=abc", ex.Detail);
        Assert.Single(handler.Requests);
    }
}
