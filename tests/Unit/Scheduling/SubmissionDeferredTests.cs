using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Scheduling;

/// <summary>sbatch refusing because the partition is drained (captured on the mini HPC cluster) is a deferral,
/// not a refusal of the job: the worker submits again later instead of failing it.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SubmissionDeferredTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_drained_partition_defers_the_submission()
    {
        var runner = new FakeProcessRunner().On("sbatch", 1, "", Fixtures.Slurm("22.05", Path.Combine("minihpc", "sbatch-partition-drain.err")));
        var cli = new SlurmCli(runner, new SlurmCliOptions { User = "hpcsvc" });

        var ex = await Assert.ThrowsAsync<SubmissionDeferredException>(() => cli.SubmitAsync(Specs.Host(_temp.Combine("jobs")), CancellationToken.None));

        Assert.Contains("Required partition not available (inactive or drain)", ex.Message);
    }

    [Fact]
    public async Task An_invalid_partition_is_still_a_refusal()
    {
        var runner = new FakeProcessRunner().On("sbatch", 1, "", Fixtures.Slurm("22.05", "sbatch-invalid-partition.err"));
        var cli = new SlurmCli(runner, new SlurmCliOptions { User = "hpcsvc" });

        var ex = await Assert.ThrowsAsync<SchedulerException>(() => cli.SubmitAsync(Specs.Host(_temp.Combine("jobs")), CancellationToken.None));

        Assert.IsNotType<SubmissionDeferredException>(ex);
    }
}
