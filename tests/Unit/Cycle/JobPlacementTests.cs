using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.State;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Cycle;

public sealed class JobPlacementTests
{
    private static readonly ProfileConfig Gpu = new()
    {
        Key = "embed:gpu", Processor = "embed", Profile = "gpu", HostEntrypoint = "/bin/true", Cpus = 1, Memory = "1G", Time = "10",
    };

    private static readonly JobPlacement Placement = new(new HpcConfig
    {
        Apptainer = new ApptainerSettings { TmpDir = "/srv/jobs" },
        Profiles = [Gpu, Gpu with { Key = "embed:default", Profile = "default" }],
    });

    [Fact]
    public void Directories_come_from_the_configured_jobs_root_not_the_stored_work_dir()
    {
        var job = new TrackedJob { JobId = "5c8e7a3e-0000-4000-8000-000000000001", WorkDir = "/old/root/5c8e7a3e-0000-4000-8000-000000000001" };
        var dirs = Placement.Directories(job);
        Assert.Equal("/srv/jobs/5c8e7a3e-0000-4000-8000-000000000001", dirs.Root);
        Assert.Equal(dirs.Root + "/output", dirs.Output);
        Assert.Equal(dirs, Placement.Directories(job.JobId));
    }

    [Fact]
    public void The_profile_of_a_tracked_job_and_of_EMX2s_job_is_the_same_lookup()
    {
        Assert.Same(Gpu, Placement.Profile(new TrackedJob { JobId = "j", Processor = "embed", Profile = "gpu" }));
        Assert.Same(Gpu, Placement.Profile(new JobDto { Processor = "embed", Profile = "gpu" }));
        Assert.Equal("default", Placement.Profile(new TrackedJob { JobId = "j", Processor = "embed", Profile = null })?.Profile);
        Assert.Null(Placement.Profile(new TrackedJob { JobId = "j", Processor = "other", Profile = "gpu" }));
        Assert.Equal("embed:default", JobPlacement.ProfileKey("embed", null));
    }
}
