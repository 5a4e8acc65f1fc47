using Xunit;
using static Emx2Hpc.Tests.Unit.Configuration.ConfigTestSupport;

namespace Emx2Hpc.Tests.Unit.Configuration;

/// <summary>Every rule: the single error it produces must name the right line, key path and problem.</summary>
public class ValidationTests
{
    private const string Embed = "profiles.\"embed:gpu\"";

    /// <summary>A valid host profile whose 4th line is <paramref name="line4"/> (further lines follow).</summary>
    private static string Profile(params string[] line4) => "profiles:\n  \"embed:gpu\":\n    host_entrypoint: /opt/run\n"
                                                           + string.Concat(line4.Select(l => "    " + l + "\n"));

    public static TheoryData<string, int, string, string> ProfileFieldCases => new()
    {
        { Profile("memory: 16 GB"), 4, Embed + ".memory", "invalid memory '16 GB' (expected Slurm syntax such as 16G, 512M)" },
        { Profile("memory: 16GB"), 4, Embed + ".memory", "invalid memory '16GB'" },
        { Profile("memory: -1G"), 4, Embed + ".memory", "invalid memory" },
        { Profile("time: 1:00:00:00"), 4, Embed + ".time", "invalid time '1:00:00:00'" },
        { Profile("time: 2-"), 4, Embed + ".time", "invalid time '2-'" },
        { Profile("time: one hour"), 4, Embed + ".time", "invalid time" },
        { Profile("cpus: 0"), 4, Embed + ".cpus", "cpus must be at least 1, got 0" },
        { Profile("cpus: eight"), 4, Embed + ".cpus", "expected an integer, got 'eight'" },
        { Profile("cpus: 2.5"), 4, Embed + ".cpus", "expected an integer, got '2.5'" },
        { Profile("cpus: {n: 1}"), 4, Embed + ".cpus", "expected an integer, got a mapping" },
        { Profile("gpus: two"), 4, Embed + ".gpus", "invalid gpus 'two'" },
        { Profile("gpus: a100:x"), 4, Embed + ".gpus", "invalid gpus 'a100:x'" },
        { Profile("gpus: -1"), 4, Embed + ".gpus", "invalid gpus '-1'" },
        { Profile("output_residence: s3"), 4, Embed + ".output_residence", "invalid value 's3' (allowed: managed, posix)" },
        { Profile("log_residence: cloud"), 4, Embed + ".log_residence", "invalid value 'cloud' (allowed: managed, posix)" },
        { Profile("sbatch_args: [--output=/tmp/x]"), 4, Embed + ".sbatch_args[0]", "sets --output, which the daemon controls" },
        { Profile("sbatch_args:", "  - --exclusive", "  - --job-name=mine"), 6, Embed + ".sbatch_args[1]", "sets --job-name" },
        { Profile("sbatch_args: [\"-o /tmp/x\"]"), 4, Embed + ".sbatch_args[0]", "sets -o, which the daemon controls" },
        { Profile("sbatch_args: [-Jname]"), 4, Embed + ".sbatch_args[0]", "sets -J" },
        { Profile("sbatch_args: [--outp=/x]"), 4, Embed + ".sbatch_args[0]", "sets --output" },
        { Profile("sbatch_args: [--export=ALL]"), 4, Embed + ".sbatch_args[0]", "sets --export" },
        // Not an abbreviation of --export, but an owned option of its own: it loads the job's environment from a file.
        { Profile("sbatch_args: [--export-file=/etc/env]"), 4, Embed + ".sbatch_args[0]", "sets --export-file" },
        { Profile("sbatch_args: [--chdir=/x]"), 4, Embed + ".sbatch_args[0]", "sets --chdir" },
        { Profile("sbatch_args: [--error=/x]"), 4, Embed + ".sbatch_args[0]", "sets --error" },
        { Profile("sbatch_args: [--comment=x]"), 4, Embed + ".sbatch_args[0]", "sets --comment" },
        { Profile("sbatch_args: [--parsable]"), 4, Embed + ".sbatch_args[0]", "sets --parsable" },
        { Profile("sbatch_args: [\"--wrap=rm -rf /\"]"), 4, Embed + ".sbatch_args[0]", "sets --wrap" },
        { Profile("sbatch_args: [-D/x]"), 4, Embed + ".sbatch_args[0]", "sets -D" },
        { Profile("sbatch_args: [exclusive]"), 4, Embed + ".sbatch_args[0]", "must be a long option starting with '--'" },
        { Profile("sbatch_args: [\"--constraint=a\\nb\"]"), 4, Embed + ".sbatch_args[0]", "must not contain line breaks" },
        { Profile("sbatch_args: --exclusive"), 4, Embed + ".sbatch_args", "expected a list of strings, got a single value" },
        { Profile("environment:", "  1BAD: x"), 5, Embed + ".environment.1BAD", "invalid environment variable name '1BAD'" },
        { Profile("environment:", "  MY-VAR: x"), 5, Embed + ".environment.MY-VAR", "invalid environment variable name 'MY-VAR'" },
        { Profile("environment:", "  LIST: [1, 2]"), 5, Embed + ".environment.LIST", "expected a single value, got a list" },
        { Profile("environment:", "  EMPTY:"), 5, Embed + ".environment.EMPTY", "has no value" },
        { Profile("environment: X=1"), 4, Embed + ".environment", "expected a mapping of keys to values, got a single value" },
        { Profile("submission_timeout_seconds: soon"), 4, Embed + ".submission_timeout_seconds", "expected an integer, got 'soon'" },
        { Profile("partition: \"gpu;reboot\""), 4, Embed + ".partition", "invalid partition name 'gpu;reboot'" },
        { Profile("partition: [gpu]"), 4, Embed + ".partition", "expected a single value, got a list" },
        { Profile("account: \"my lab\""), 4, Embed + ".account", "invalid account name 'my lab'" },
        { Profile("qos: \"high\\nx\""), 4, Embed + ".qos", "invalid QOS name" },
        { Profile("cpu: 4"), 4, Embed + ".cpu", "unknown key 'cpu'; did you mean 'cpus'?" },
        { Profile("memroy: 4G"), 4, Embed + ".memroy", "did you mean 'memory'?" },
        { Profile("colour: blue"), 4, Embed + ".colour", "unknown key 'colour' (allowed: processor, profile, sif_image" },
    };

    public static TheoryData<string, int, string, string> ExecutionModeCases => new()
    {
        { "profiles:\n  \"embed:gpu\":\n    host_entrypoint: /opt/run\n    sif_image: /i.sif\n    container_entrypoint: /run\n",
            2, Embed, "both execution modes are configured" },
        { "profiles:\n  \"embed:gpu\":\n    host_entrypoint: /opt/run\n    sif_image: /i.sif\n", 2, Embed, "both execution modes" },
        { "profiles:\n  \"embed:gpu\":\n    cpus: 2\n", 2, Embed, "no execution mode configured" },
        { "profiles:\n  \"embed:gpu\":\n", 2, Embed, "no execution mode configured" },
        { "profiles:\n  \"embed:gpu\":\n    sif_image: /i.sif\n", 2, Embed, "sif_image needs container_entrypoint" },
        { "profiles:\n  \"embed:gpu\":\n    container_entrypoint: /run\n", 2, Embed, "container_entrypoint needs sif_image" },
        { "profiles:\n  \"embed:gpu\":\n    host_entrypoint: bin/run\n", 3, Embed + ".host_entrypoint", "'bin/run' must be an absolute path" },
        { "profiles:\n  \"embed:gpu\":\n    sif_image: images/i.sif\n    container_entrypoint: /run\n", 3, Embed + ".sif_image", "must be an absolute path" },
        { "profiles:\n  \"embed:gpu\":\n    sif_image: /i.sif\n    container_entrypoint: run.sh\n", 4, Embed + ".container_entrypoint", "must be an absolute path" },
    };

    public static TheoryData<string, int, string, string> ProfileKeyCases => new()
    {
        { "profiles:\n  embed:\n    host_entrypoint: /opt/run\n", 2, "profiles.embed", "cannot split 'embed' into processor and profile" },
        { "profiles:\n  \":gpu\":\n    host_entrypoint: /opt/run\n", 2, "profiles.\":gpu\"", "cannot split" },
        { "profiles:\n  \"embed:\":\n    host_entrypoint: /opt/run\n", 2, "profiles.\"embed:\"", "cannot split" },
        { "profiles:\n  \"a:b/\":\n    host_entrypoint: /opt/run\n", 2, "profiles.\"a:b/\"", "cannot split" },
        { "profiles:\n  \"embed: gpu\":\n    host_entrypoint: /opt/run\n", 2, "profiles.\"embed: gpu\"", "profile name ' gpu' must not start or end with whitespace" },
        { "profiles:\n  label:\n    processor: embed\n    host_entrypoint: /opt/run\n", 2, "profiles.label", "give both 'processor' and 'profile' fields" },
        { "profiles:\n  label:\n    processor: embed\n    profile: \"\"\n    host_entrypoint: /opt/run\n", 4, "profiles.label.profile", "profile name must not be blank" },
        { "profiles:\n  \"a:b\":\n    host_entrypoint: /x\n  \"a/b\":\n    host_entrypoint: /y\n",
            4, "profiles.\"a/b\"", "duplicate profile: processor 'a' profile 'b' is already defined by profiles.\"a:b\"" },
        { "profiles:\n  \"a:b\":\n    host_entrypoint: /x\n  other:\n    processor: a\n    profile: b\n    host_entrypoint: /y\n",
            4, "profiles.other", "already defined by profiles.\"a:b\"" },
        { "profiles: [a, b]\n", 1, "profiles", "expected a mapping of keys to values, got a list" },
    };

    public static TheoryData<string, int, string, string> SectionCases => new()
    {
        { "emx2:\n  auth_mode: basic\n", 2, "emx2.auth_mode", "invalid value 'basic' (allowed: hmac, token)" },
        { "emx2:\n  base_url: not a url\n", 2, "emx2.base_url", "invalid URL 'not a url'" },
        { "emx2:\n  base_url: ftp://host/\n", 2, "emx2.base_url", "must be an absolute http:// or https:// URL" },
        { "emx2:\n  base_url: https://me:pw@host/\n", 2, "emx2.base_url", "must not contain user info" },
        { "emx2:\n  base_url: https://host/?x=1\n", 2, "emx2.base_url", "must not contain user info, a query" },
        { "emx2:\n  worker_id: \"\"\n", 2, "emx2.worker_id", "worker id must not be blank" },
        { "emx2:\n  base_uri: http://x\n", 2, "emx2.base_uri", "unknown key 'base_uri'; did you mean 'base_url'?" },
        { "emx2:\n  worker_secret: too-short\n", 2, "emx2.worker_secret", "secret is shorter than 32 characters" },
        { "emx2:\n  shared_secret: too-short\n", 2, "emx2.shared_secret", "secret is shorter than 32 characters" },
        { "emx2:\n  worker_secret: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n  shared_secret: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n",
            3, "emx2.shared_secret", "both emx2.worker_secret and emx2.shared_secret are set" },
        { "emx2:\n  worker_secret_file: /a\n  shared_secret_file: /b\n", 3, "emx2.shared_secret_file", "both emx2.worker_secret_file and emx2.shared_secret_file" },
        { "emx2:\n  worker_secret: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n  worker_secret_file: /s\n",
            3, "emx2.worker_secret_file", "both emx2.worker_secret and emx2.worker_secret_file are set" },
        { "emx2:\n  shared_secret: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n  shared_secret_file: /s\n",
            3, "emx2.shared_secret_file", "both emx2.shared_secret and emx2.shared_secret_file are set" },
        { "worker:\n  poll_interval_seconds: 0\n", 2, "worker.poll_interval_seconds", "must be at least 1" },
        { "worker:\n  max_concurrent_jobs: -1\n", 2, "worker.max_concurrent_jobs", "must be at least 1" },
        { "worker:\n  heartbeat_interval_seconds: 0\n", 2, "worker.heartbeat_interval_seconds", "must be at least 1" },
        { "worker:\n  queue_report_interval_seconds: -5\n", 2, "worker.queue_report_interval_seconds", "must be 0 (disabled) or more" },
        { "worker:\n  poll_interval_seconds: 1.5\n", 2, "worker.poll_interval_seconds", "expected an integer, got '1.5'" },
        { "worker:\n  state_db: ~/state.db\n", 2, "worker.state_db", "'~' is not expanded" },
        { "worker: 30\n", 1, "worker", "expected a mapping of keys to values, got a single value" },
        { "slurm:\n  default_partition: \"\"\n", 2, "slurm.default_partition", "invalid partition name ''" },
        { "slurm:\n  default_account: \"a b\"\n", 2, "slurm.default_account", "invalid account name 'a b'" },
        { "apptainer:\n  bind_paths: [data:/data]\n", 2, "apptainer.bind_paths[0]", "must start with an absolute source path" },
        { "apptainer:\n  bind_paths:\n    - /ok\n    - /a,/b\n", 4, "apptainer.bind_paths[1]", "must not contain ','" },
        { "apptainer:\n  bind_paths: [\"/a:data\"]\n", 2, "apptainer.bind_paths[0]", "must have an absolute destination path" },
        { "apptainer:\n  bind_paths: [\"/a:/b:ro:x\"]\n", 2, "apptainer.bind_paths[0]", "too many ':' parts" },
        { "apptainer:\n  bind_paths: /data\n", 2, "apptainer.bind_paths", "expected a list of strings" },
        { "apptainer:\n  bind_paths: [/a, {x: 1}]\n", 2, "apptainer.bind_paths[1]", "expected a string, got a mapping" },
        { "apptainer:\n  tmp_dir: \"\"\n", 2, "apptainer.tmp_dir", "must not be empty" },
        { "staging:\n  allowed_posix_roots:\n    - data\n", 3, "staging.allowed_posix_roots[0]", "allowed root 'data' must be an absolute path" },
        { "staging:\n  allowed_posix_roots: [~, /x]\n", 2, "staging.allowed_posix_roots[0]", "list item is empty" },
        { "staging:\n  posix_output_root: results\n", 2, "staging.posix_output_root", "posix output root 'results' must be an absolute path" },
        { "staging:\n  posix_output_root: [/a]\n", 2, "staging.posix_output_root", "expected a single value, got a list" },
        { "staging:\n  posix_output_retention_days: -1\n", 2, "staging.posix_output_retention_days", "must be 0 (keep forever) or more (days)" },
        { "staging:\n  posix_output_retention_days: soon\n", 2, "staging.posix_output_retention_days", "expected an integer, got 'soon'" },
        { "staging:\n  max_posix_copy_bytes: -1\n", 2, "staging.max_posix_copy_bytes", "must be 0 (never copy) or more (bytes)" },
        { "staging:\n  posix_output_rot: /x\n", 2, "staging.posix_output_rot", "did you mean 'posix_output_root'?" },
        { "profile:\n  a: 1\n", 1, "profile", "unknown key 'profile'; did you mean 'profiles'?" },
        { "- a\n- b\n", 1, "", "expected a mapping of keys to values, got a list" },
        { "emx2:\n  <<: {base_url: x}\n", 2, "emx2.\"<<\"", "merge keys ('<<') are not supported" },
    };

    [Theory]
    [MemberData(nameof(ProfileFieldCases))]
    [MemberData(nameof(ExecutionModeCases))]
    [MemberData(nameof(ProfileKeyCases))]
    [MemberData(nameof(SectionCases))]
    public void Rule_reports_line_key_path_and_problem(string yaml, int line, string keyPath, string message)
    {
        var error = SingleError(yaml);

        Assert.Equal(Source, error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal(keyPath, error.KeyPath);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("16G")]
    [InlineData("512m")]
    [InlineData("1024")]
    [InlineData("2T")]
    [InlineData("0")]
    public void Valid_memory(string memory) => Assert.Equal(memory, Single(Profile($"memory: {memory}")).Memory);

    [Theory]
    [InlineData("30")]
    [InlineData("30:15")]
    [InlineData("01:00:00")]
    [InlineData("2-12")]
    [InlineData("2-12:30")]
    [InlineData("2-12:30:05")]
    [InlineData("UNLIMITED")]
    [InlineData("infinite")]
    public void Valid_time(string time) => Assert.Equal(time, Single(Profile($"time: \"{time}\"")).Time);

    [Theory]
    [InlineData("0")]
    [InlineData("2")]
    [InlineData("a100:2")]
    [InlineData("nvidia_h100-80g:8")]
    public void Valid_gpus(string gpus) => Assert.Equal(gpus, Single(Profile($"gpus: {gpus}")).Gpus);

    [Theory]
    [InlineData("--exclusive")]
    [InlineData("--gres=gpu:a40:2")]
    [InlineData("--constraint=v100")]
    [InlineData("--partition=other")]
    public void Valid_sbatch_args(string arg) => Assert.Equal([arg], Single(Profile($"sbatch_args: [\"{arg}\"]")).SbatchArgs);

    [Theory]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("86400")]
    public void Submission_timeout_of_zero_or_less_is_allowed_and_disables(string seconds)
        => Assert.Equal(int.Parse(seconds), Single(Profile($"submission_timeout_seconds: {seconds}")).SubmissionTimeoutSeconds);

    [Fact]
    public void Error_text_has_compiler_style_format()
    {
        var error = SingleError(Profile("memory: 16 GB"));

        Assert.Equal(
            "config.yaml:4:13: profiles.\"embed:gpu\".memory: invalid memory '16 GB' (expected Slurm syntax such as 16G, 512M)",
            error.ToString());
    }

    [Fact]
    public void Unknown_key_points_at_the_key_itself()
    {
        var error = SingleError("worker:\n  poll: 5\n");
        Assert.Equal((2, 3), (error.Line, error.Column));
    }

    [Fact]
    public void Token_mode_accepts_a_short_secret()
    {
        var config = Load("emx2:\n  auth_mode: token\n  worker_secret: short-jwt\n");
        Assert.Equal("short-jwt", config.Emx2.Secret?.Value);
    }

    [Fact]
    public void Auth_mode_is_case_insensitive()
        => Assert.Equal(Emx2Hpc.Core.Configuration.AuthMode.Token, Load("emx2:\n  auth_mode: TOKEN\n").Emx2.AuthMode);

    [Fact]
    public void Valid_bind_paths_are_kept_verbatim()
    {
        var config = Load("apptainer:\n  bind_paths: [/a, \"/b:/c\", \"/d:/e:ro\"]\n");
        Assert.Equal(["/a", "/b:/c", "/d:/e:ro"], config.Apptainer.BindPaths);
    }

    [Fact]
    public void Posix_output_settings_are_read_and_default_beside_the_state_database()
    {
        var set = Load("staging:\n  posix_output_root: /lustre/results//\n  posix_output_retention_days: 30\n  max_posix_copy_bytes: 0\n").Staging;
        Assert.Equal(("/lustre/results", true, 30, 0L), (set.PosixOutputRoot, set.PosixOutputRootConfigured, set.PosixOutputRetentionDays, set.MaxPosixCopyBytes));
        var unset = Load("worker:\n  state_db: /srv/hpc/state.db\n").Staging;
        Assert.Equal(("/srv/hpc/posix-outputs", false, 0, 10L << 30),
            (unset.PosixOutputRoot, unset.PosixOutputRootConfigured, unset.PosixOutputRetentionDays, unset.MaxPosixCopyBytes));
    }

    [Fact]
    public void Staging_root_slash_stays_a_slash()
        => Assert.Equal(["/"], Load("staging:\n  allowed_posix_roots: [/]\n").Staging.AllowedPosixRoots);

    private static Emx2Hpc.Core.Configuration.ProfileConfig Single(string yaml) => Assert.Single(Load(yaml).Profiles);
}
