using Emx2Hpc.Core.Configuration;

namespace Emx2Hpc.Cli.Demo;

/// <summary>The embedded defaults the demo runs on: one worker, one host-mode profile, everything under the
/// demo's work directory. The simulated scheduler never executes the entrypoint; /bin/echo is one that would
/// succeed with the demo job's arguments if the written batch script were run by hand.</summary>
internal static class DemoConfig
{
    public const string Processor = "text-embedding:v3";
    public const string Profile = "gpu-medium";
    public const string EntryPoint = "/bin/echo";

    public static HpcConfig Build(Uri baseUrl, string secret, string root)
    {
        return new HpcConfig
        {
            Emx2 = new Emx2Settings { BaseUrl = baseUrl, WorkerId = DemoScenario.WorkerId, Secret = new WorkerSecret(secret), AuthMode = AuthMode.Hmac },
            Worker = new WorkerSettings { PollIntervalSeconds = 1, MaxConcurrentJobs = 2, StateDb = Path.Combine(root, "state", "state.db") },
            Slurm = new SlurmSettings(),
            Profiles =
            [
                new ProfileConfig
                {
                    Key = $"{Processor}/{Profile}", Processor = Processor, Profile = Profile, HostEntrypoint = EntryPoint,
                    Cpus = 1, Memory = "1G", Time = "00:10:00",
                },
            ],
            Apptainer = new ApptainerSettings { TmpDir = Path.Combine(root, "jobs") },
            Staging = new StagingSettings(),
        };
    }
}
