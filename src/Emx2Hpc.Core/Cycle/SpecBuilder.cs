using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Scheduling;
using ExecMode = Emx2Hpc.Core.Scheduling.ExecutionMode;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Profile + validated job parameters → what the scheduler runs. A job's variables pass only where the
/// profile allows them and never override the profile's own values (<see cref="JobEnvironmentPolicy"/>);
/// everything else comes from the admin's profile.</summary>
internal static class SpecBuilder
{
    public static BatchJobSpec Build(HpcConfig config, ProfileConfig profile, string jobId, JobDirectories dirs, JobParameters parameters)
    {
        var environment = JobEnvironmentPolicy.Merge(profile.DisplayName, profile.AllowedEnvironment, profile.Environment, parameters.Environment);
        return new BatchJobSpec
        {
            Emx2JobId = jobId,
            Directories = dirs,
            Execution = profile.Mode == ExecMode.Host
                ? new ExecutionSpec { Mode = ExecMode.Host, HostEntrypoint = profile.HostEntrypoint }
                : new ExecutionSpec
                {
                    Mode = ExecMode.Apptainer, SifImage = profile.SifImage, ContainerEntrypoint = profile.ContainerEntrypoint,
                    BindPaths = config.Apptainer.BindPaths,
                },
            Resources = new ResourceSpec
            {
                Partition = profile.EffectivePartition(config.Slurm),
                Account = profile.EffectiveAccount(config.Slurm),
                Qos = profile.Qos,
                Cpus = profile.Cpus,
                Memory = profile.Memory,
                Time = profile.Time,
                Gpus = profile.Gpus,
                ExtraArgs = profile.SbatchArgs,
            },
            Args = parameters.Args,
            Environment = environment,
            ParametersJson = parameters.ParametersJson,
        };
    }
}
