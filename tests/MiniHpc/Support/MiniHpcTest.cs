using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.MiniHpc.Support;

/// <summary>Base of every scenario: the shared environment, a fresh <see cref="WorkerDriver"/> per test, and the
/// three invariants every scenario asserts for every job it creates: no lost job (it ends in the expected terminal
/// status), no second submission (exactly one SUBMITTED report and one Slurm job id carrying its tag, however
/// often Slurm requeued it), and a legal history (every status change is an edge of the protocol's state machine).</summary>
[Collection(MiniHpcCollection.Name)]
public abstract class MiniHpcTest(MiniHpcEnvironment env, ITestOutputHelper output)
{
    protected static readonly TimeSpan JobLimit = TimeSpan.FromMinutes(3);
    protected static readonly string[] Terminal = [JobStatus.Completed, JobStatus.Failed, JobStatus.Cancelled];

    protected MiniHpcEnvironment Env { get; } = env;
    protected MiniCluster Cluster => Env.Cluster;
    protected WorkerDriver Worker { get; } = new(env, output);
    protected ITestOutputHelper Output { get; } = output;

    protected Task ScenarioAsync(Func<Task> body) => Worker.RunAsync(body);

    protected string SlurmIdOf(string jobId) =>
        Env.Job(jobId).SlurmJobId ?? throw new Xunit.Sdk.XunitException($"job {jobId} has no Slurm job id; {Worker.Describe(jobId)}");

    /// <summary>The job's statuses in transition order, repeats (progress and notable reports) collapsed.</summary>
    protected IReadOnlyList<string> StatusPath(string jobId)
    {
        var path = new List<string>();
        foreach (var t in Env.Transitions(jobId))
            if (path.Count == 0 || path[^1] != t.ToStatus) path.Add(t.ToStatus);
        return path;
    }

    /// <summary>No lost job, no second submission, legal history; returns the job's accounting rows (all attempts).</summary>
    protected async Task<IReadOnlyList<Core.Scheduling.Slurm.SlurmJobRow>> AssertInvariantsAsync(string jobId, string expectedStatus)
    {
        var job = Env.Job(jobId);
        Assert.True(job.Status == expectedStatus, $"expected {expectedStatus}; {Worker.Describe(jobId)}");

        var transitions = Env.Transitions(jobId);
        foreach (var t in transitions.Where(t => t.FromStatus is not null && t.FromStatus != t.ToStatus))
            Assert.True(JobStatus.IsLegal(t.FromStatus!, t.ToStatus), $"illegal transition {t.FromStatus} → {t.ToStatus}; {Worker.Describe(jobId)}");
        var path = StatusPath(jobId);
        for (var i = 1; i < path.Count; i++)
            Assert.True(JobStatus.IsLegal(path[i - 1], path[i]), $"illegal history {string.Join(" → ", path)}");
        Assert.Equal(JobStatus.Pending, path[0]);
        Assert.Equal(1, transitions.Count(t => t.ToStatus == JobStatus.Submitted));
        Assert.Equal(1, transitions.Count(t => JobStatus.IsTerminal(t.ToStatus)));

        var slurmId = SlurmIdOf(jobId);
        var rows = await WaitForFinalAccountingAsync(jobId);
        var ids = rows.Select(r => r.JobId).Distinct(StringComparer.Ordinal).ToList();
        Assert.True(ids.Count == 1 && ids[0] == slurmId,
            $"EMX2 job {jobId} (Slurm {slurmId}) has Slurm jobs [{string.Join(", ", ids)}] in accounting: a second submission");
        return rows;
    }

    /// <summary>Accounting may lag the controller by a moment; wait until the last record of the job is final.</summary>
    private async Task<IReadOnlyList<Core.Scheduling.Slurm.SlurmJobRow>> WaitForFinalAccountingAsync(string jobId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var rows = await Cluster.AccountingByNameAsync(jobId);
            if (rows.Count > 0 && rows[^1].State is not ("PENDING" or "RUNNING" or "REQUEUED" or "COMPLETING")) return rows;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"sacct has no final record for job {jobId}: [{string.Join("; ", rows.Select(r => $"{r.JobId} {r.State}"))}]");
            await Task.Delay(1000);
        }
    }

    protected async Task<JobDto> RunToEndAsync(string jobId, string expected)
    {
        var job = await Worker.DriveJobUntilAsync(jobId, JobLimit, Terminal);
        Assert.True(job.Status == expected, $"expected {expected}; {Worker.Describe(jobId)}");
        return job;
    }
}
