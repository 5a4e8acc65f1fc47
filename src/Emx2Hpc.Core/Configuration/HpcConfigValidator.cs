namespace Emx2Hpc.Core.Configuration;

/// <summary>Semantic rules on the model, shared by the loader (which adds line numbers) and by code that
/// builds a config directly. Type and syntax problems of the YAML itself are the loader's job.</summary>
public static class HpcConfigValidator
{
    /// <summary>The server refuses to build an HMAC verifier for shorter secrets (see SERVER-SPEC).</summary>
    public const int MinimumHmacSecretLength = 32;

    /// <summary>Every problem, without file positions (Line = 0). File is the config's SourcePath, or
    /// "(in-memory config)".</summary>
    public static IReadOnlyList<ConfigError> Validate(HpcConfig config)
    {
        var file = config.SourcePath ?? "(in-memory config)";
        return Issues(config).Select(i => new ConfigError(file, 0, 0, i.KeyPath, i.Message)).ToList();
    }

    public static void ThrowIfInvalid(HpcConfig config)
    {
        var errors = Validate(config);
        if (errors.Count > 0) throw new ConfigException(errors);
    }

    internal static IEnumerable<ConfigIssue> Issues(HpcConfig config)
    {
        var issues = new List<ConfigIssue>();
        issues.AddRange(SectionIssues(config));
        foreach (var profile in config.Profiles)
        {
            issues.AddRange(ProfileValidator.NameIssues(profile));
            issues.AddRange(ProfileValidator.Issues(profile));
        }
        issues.AddRange(ProfileValidator.DuplicateIssues(config.Profiles));
        return issues;
    }

    /// <summary>Everything outside the profiles list.</summary>
    internal static IEnumerable<ConfigIssue> SectionIssues(HpcConfig config)
        => Emx2Issues(config.Emx2)
            .Concat(WorkerIssues(config.Worker))
            .Concat(SlurmIssues(config.Slurm))
            .Concat(ApptainerIssues(config.Apptainer))
            .Concat(StagingIssues(config.Staging))
            .Concat(OperationsSectionReader.Issues(config));

    private static IEnumerable<ConfigIssue> Emx2Issues(Emx2Settings emx2)
    {
        var url = emx2.BaseUrl;
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            yield return new("emx2.base_url", "base URL must be an absolute http:// or https:// URL");
        else if (url.UserInfo.Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0)
            // Credentials in the URL would be logged with it; a query would break request signing.
            yield return new("emx2.base_url", "base URL must not contain user info, a query or a fragment");

        if (ProfileKey.CheckName("worker id", emx2.WorkerId) is { } workerIdProblem)
            yield return new("emx2.worker_id", workerIdProblem);

        if (emx2.AuthMode == AuthMode.Hmac && emx2.Secret is { } secret && secret.Length < MinimumHmacSecretLength)
            yield return new(
                emx2.SecretFile is null ? "emx2.worker_secret" : "emx2.worker_secret_file",
                $"secret is shorter than {MinimumHmacSecretLength} characters; EMX2 refuses such secrets for auth_mode hmac");
    }

    private static IEnumerable<ConfigIssue> WorkerIssues(WorkerSettings worker)
    {
        if (worker.PollIntervalSeconds < 1) yield return new("worker.poll_interval_seconds", "must be at least 1");
        if (worker.MaxConcurrentJobs < 1) yield return new("worker.max_concurrent_jobs", "must be at least 1");
        if (worker.HeartbeatIntervalSeconds < 1) yield return new("worker.heartbeat_interval_seconds", "must be at least 1");
        if (worker.JobRetentionHours < 0) yield return new("worker.job_retention_hours", "must be 0 (remove at once) or more");
        if (worker.StepTimeoutSeconds < 1) yield return new("worker.step_timeout_seconds", "must be at least 1");
        if (worker.CycleTimeoutSeconds < 60) yield return new("worker.cycle_timeout_seconds", "must be at least 60");
        if (worker.QueueReportIntervalSeconds < 0)
            yield return new("worker.queue_report_interval_seconds", "must be 0 (disabled) or more");
        if (string.IsNullOrWhiteSpace(worker.StateDb) || !Path.IsPathFullyQualified(worker.StateDb))
            yield return new("worker.state_db", "state database path must be absolute");
    }

    private static IEnumerable<ConfigIssue> SlurmIssues(SlurmSettings slurm)
    {
        if (!SlurmSyntax.IsName(slurm.DefaultPartition, allowList: true))
            yield return new("slurm.default_partition", $"invalid partition name '{slurm.DefaultPartition}'");
        if (slurm.DefaultAccount is { } account && !SlurmSyntax.IsName(account, allowList: false))
            yield return new("slurm.default_account", $"invalid account name '{account}'");
        if (slurm.CommandTimeoutSeconds < 1) yield return new("slurm.command_timeout_seconds", "must be at least 1");
        if (slurm.User is { } user && !SlurmSyntax.IsName(user, allowList: false))
            yield return new("slurm.user", $"invalid user name '{user}'");
    }

    private static IEnumerable<ConfigIssue> ApptainerIssues(ApptainerSettings apptainer)
    {
        if (string.IsNullOrWhiteSpace(apptainer.TmpDir) || !PathRules.IsAbsolutePosix(apptainer.TmpDir))
            yield return new("apptainer.tmp_dir", "job directory root must be an absolute path");
        for (var i = 0; i < apptainer.BindPaths.Count; i++)
            if (PathRules.CheckBindPath(apptainer.BindPaths[i]) is { } problem)
                yield return new(KeyPath.Index("apptainer.bind_paths", i), problem);
    }

    private static IEnumerable<ConfigIssue> StagingIssues(StagingSettings staging)
    {
        for (var i = 0; i < staging.AllowedPosixRoots.Count; i++)
        {
            var root = staging.AllowedPosixRoots[i];
            if (!PathRules.IsAbsolutePosix(root) || PathRules.HasControlCharacters(root))
                yield return new(KeyPath.Index("staging.allowed_posix_roots", i), $"allowed root '{root}' must be an absolute path");
        }
        if (staging.MaxOutputBytes < 1) yield return new("staging.max_output_bytes", "must be at least 1 (bytes)");
        if (staging.MaxOutputFiles < 1) yield return new("staging.max_output_files", "must be at least 1");
        if (staging.MaxPosixCopyBytes < 0) yield return new("staging.max_posix_copy_bytes", "must be 0 (never copy) or more (bytes)");
        if (!PathRules.IsAbsolutePosix(staging.PosixOutputRoot) || PathRules.HasControlCharacters(staging.PosixOutputRoot))
            yield return new("staging.posix_output_root", $"posix output root '{staging.PosixOutputRoot}' must be an absolute path");
        if (staging.PosixOutputRetentionDays < 0)
            yield return new("staging.posix_output_retention_days", "must be 0 (keep forever) or more (days)");
    }
}
