namespace Emx2Hpc.Core.Configuration;

/// <summary>Every key the YAML file may contain, per mapping. Anything else is reported as unknown.</summary>
internal static class ConfigKeys
{
    public static readonly IReadOnlyList<string> Root = ["emx2", "worker", "slurm", "profiles", "apptainer", "staging", "metrics", "audit", "status"];

    public static readonly IReadOnlyList<string> Emx2 =
        ["base_url", "worker_id", "auth_mode", "worker_secret", "shared_secret", "worker_secret_file", "shared_secret_file",
         "allow_insecure_http"];

    public static readonly IReadOnlyList<string> Worker =
        ["poll_interval_seconds", "max_concurrent_jobs", "heartbeat_interval_seconds", "queue_report_interval_seconds", "state_db",
         "job_retention_hours", "step_timeout_seconds", "cycle_timeout_seconds",
         "instance_registry"];

    public static readonly IReadOnlyList<string> Slurm = ["default_partition", "default_account", "use_accounting", "command_timeout_seconds", "user"];

    public static readonly IReadOnlyList<string> Profile =
    [
        "processor", "profile", "sif_image", "container_entrypoint", "host_entrypoint", "partition", "account", "qos",
        "cpus", "memory", "time", "gpus", "sbatch_args", "output_residence", "log_residence",
        "submission_timeout_seconds", "environment", "max_output_bytes", "max_output_files", "allowed_environment",
        // Older Python-daemon names, read through LegacyKeys.
        "entrypoint", "extra_args", "artifact_residence", "claim_timeout_seconds", "execution_timeout_seconds",
    ];

    public static readonly IReadOnlyList<string> Apptainer = ["bind_paths", "tmp_dir"];

    public static readonly IReadOnlyList<string> Staging =
        ["allowed_posix_roots", "max_output_bytes", "max_output_files", "max_posix_copy_bytes", "posix_output_root", "posix_output_retention_days"];

    public static readonly IReadOnlyList<string> Metrics = ["listen", "textfile"];

    public static readonly IReadOnlyList<string> Audit = ["enabled", "path"];

    public static readonly IReadOnlyList<string> Status = ["max_report_age_seconds", "max_cycle_seconds"];
}
