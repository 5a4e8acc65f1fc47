namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>The job's own variables, validated and in a stable order so generated scripts are reproducible.</summary>
internal static class JobEnvironment
{
    public static IEnumerable<KeyValuePair<string, string>> Ordered(BatchJobSpec spec)
    {
        foreach (var (name, value) in spec.Environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            // Profile and job variables arrive merged; job-only restrictions were applied by JobParameters.
            EnvironmentVariableName.Validate(name, "environment", fromJob: false);
            ScriptValueGuard.NoNul(value, $"environment.{name}");
            yield return new(name, value);
        }
    }
}
