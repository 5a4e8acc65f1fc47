using Emx2Hpc.Core.Scheduling;

namespace Emx2Hpc.Tests.Unit.Scheduling;

/// <summary>Builders for BatchJobSpec in tests.</summary>
internal static class Specs
{
    public const string JobId = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

    public static BatchJobSpec Host(string jobsRoot, string entrypoint = "/opt/tools/run.sh", string jobId = JobId) => new()
    {
        Emx2JobId = jobId,
        Directories = JobDirectories.For(jobsRoot, jobId),
        Execution = new ExecutionSpec { Mode = ExecutionMode.Host, HostEntrypoint = entrypoint },
        Resources = new ResourceSpec { Partition = "debug", Cpus = 2, Memory = "4G", Time = "01:00:00" },
    };

    public static BatchJobSpec Apptainer(string jobsRoot, string jobId = JobId) => new()
    {
        Emx2JobId = jobId,
        Directories = JobDirectories.For(jobsRoot, jobId),
        Execution = new ExecutionSpec
        {
            Mode = ExecutionMode.Apptainer, SifImage = "/images/tool.sif", ContainerEntrypoint = "/app/run",
            BindPaths = ["/data/reference:/reference:ro"],
        },
        Resources = new ResourceSpec { Cpus = 1 },
    };
}
