namespace Emx2Hpc.Core.Scheduling;

/// <summary>Decides the environment a job runs with: the job's own variables only where its profile's
/// <c>allowed_environment</c> names them, each value checked, then the profile's <c>environment</c> on top (the
/// admin's values win over the user's). Nothing else is added here; the scheduler adds the HPC_* contract and
/// runs the job with <c>--export=NONE</c> (and Apptainer with <c>--cleanenv</c>), so this is everything the
/// entrypoint sees besides Slurm's own variables.</summary>
public static class JobEnvironmentPolicy
{
    /// <summary>Largest value a job may give one variable. Generous for settings, far below the kernel's 128 KiB per
    /// entry, so a handful of variables cannot crowd out the arguments.</summary>
    public const int MaxJobValueBytes = 16 * 1024;

    /// <summary>Throws <see cref="JobRejectedException"/> naming the first variable the profile does not allow or
    /// whose value is unfit; <paramref name="profileName"/> appears in the message so the user knows whom to ask.</summary>
    public static IReadOnlyDictionary<string, string> Merge(
        string profileName, IReadOnlyList<string> allowed,
        IReadOnlyDictionary<string, string> profileEnvironment, IReadOnlyDictionary<string, string> jobEnvironment)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in jobEnvironment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var field = $"parameters.environment.{name}";
            if (!EnvironmentAllowList.Allows(allowed, name))
                throw new JobRejectedException(allowed.Count == 0
                    ? $"{field}: variable '{name}' is not allowed: profile {profileName} lets jobs set no environment variables (allowed_environment is empty)"
                    : $"{field}: variable '{name}' is not allowed by profile {profileName} (allowed_environment: {string.Join(", ", allowed)})");
            if (value.IndexOfAny(['\n', '\r', '\0']) >= 0)
                throw new JobRejectedException($"{field}: value contains a line break or NUL character");
            var bytes = System.Text.Encoding.UTF8.GetByteCount(value);
            if (bytes > MaxJobValueBytes)
                throw new JobRejectedException($"{field}: value is {bytes} bytes; a job may give a variable at most {MaxJobValueBytes / 1024} KiB");
            result[name] = value;
        }
        foreach (var (name, value) in profileEnvironment) result[name] = value;
        return result;
    }
}
