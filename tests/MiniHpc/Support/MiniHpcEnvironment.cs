using System.Security.Cryptography;
using System.Text;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Emulator;
using Emx2Hpc.Tests.E2E.Support;
using Xunit;

namespace Emx2Hpc.Tests.MiniHpc.Support;

/// <summary>What every mini-HPC scenario shares. The test process runs on the cluster's head node (network
/// namespace of e2e/minihpc/minihpc.sh, SLURM_CONF set, LDAP users resolvable) as root, like an admin; the worker
/// runs as the directory user <see cref="ServiceUser"/> with files laid out the way a site would:
/// <list type="bullet">
/// <item>its private directory (config, secret 0600, state database) under /shared/home/hpcsvc, mode 0700;</item>
/// <item>job directories under /shared/jobs/&lt;run&gt; (apptainer.tmp_dir), owned by the service user;</item>
/// <item>job scripts under /shared/apps/&lt;run&gt;, owned by root and read-only for everyone else.</item>
/// </list>
/// The EMX2 emulator runs in this process, listening on the head node's loopback.</summary>
public sealed class MiniHpcEnvironment : IAsyncLifetime
{
    public const string WorkerId = "minihpc-worker";
    public const string Processor = "minihpc";
    public const string ServiceUser = "hpcsvc";
    public const string OtherUser = "alice";
    public const string Partition = "batch";
    public static readonly string Shared = Environment.GetEnvironmentVariable("MINIHPC_SHARED") is { Length: > 0 } s ? s : "/shared";
    public static string OtherUsersSecretFile => Path.Combine(Shared, "home", OtherUser, "private.txt");

    /// <summary>Profile name → (script, residence of outputs and logs).</summary>
    private static readonly (string Profile, string Script, string Residence)[] Profiles =
    [
        ("work", "mh_work.sh", "managed"),
        ("long", "mh_long.sh", "managed"),
        ("snoop", "mh_snoop.sh", "managed"),
        ("fail", "e2e_fail.sh", "managed"),
        ("posix", "e2e_posix.sh", "posix"),
    ];

    public string EditorToken { get; } = "minihpc-editor-" + Guid.NewGuid().ToString("N");
    public string RunName { get; } = "emx2hpc-" + Guid.NewGuid().ToString("N")[..8];
    public string WorkerHome => Path.Combine(Shared, "home", ServiceUser, RunName);
    public string JobsDir => Path.Combine(Shared, "jobs", RunName);
    /// <summary>staging.posix_output_root: posix-residence results are moved here, readable by other cluster users.</summary>
    public string PosixOutputsDir => Path.Combine(Shared, "posix-outputs", RunName);
    public string ScriptsDir => Path.Combine(Shared, "apps", RunName);
    public string ConfigPath => Path.Combine(WorkerHome, "config.yaml");
    /// <summary>The command line that starts emx2-hpc (CliLocator).</summary>
    public IReadOnlyList<string> Cli { get; private set; } = [];

    public EmulatorServer Emulator { get; private set; } = null!;
    public Emx2Client Editor { get; private set; } = null!;
    public MiniCluster Cluster { get; } = new();

    private readonly string _secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        if (!MiniHpcFactAttribute.Enabled) return;
        Cli = CliLocator.Command();
        await Cluster.RequireServiceUserAsync();

        Directory.CreateDirectory(ScriptsDir);
        foreach (var (_, script, _) in Profiles)
        {
            var source = new[] { Path.Combine(CliLocator.RepositoryRoot, "e2e", "minihpc", "scripts", script), Path.Combine(CliLocator.ScriptsDirectory, script) }
                .First(File.Exists);
            var target = Path.Combine(ScriptsDir, script);
            File.Copy(source, target, overwrite: true);
            File.SetUnixFileMode(target, (UnixFileMode)0b111_101_101); // 0755, root's
        }
        Directory.CreateDirectory(WorkerHome);
        Directory.CreateDirectory(Path.Combine(WorkerHome, "state"));
        Directory.CreateDirectory(JobsDir);
        Directory.CreateDirectory(PosixOutputsDir);
        var secretFile = Path.Combine(WorkerHome, "worker.secret");
        File.WriteAllText(secretFile, _secret + "\n");
        File.SetUnixFileMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Emulator = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            WorkerSecrets = { [WorkerId] = _secret },
            UserTokens = { [EditorToken] = UserRole.Editor },
        });
        File.WriteAllText(ConfigPath, Config(secretFile));
        // Everything the worker owns belongs to the directory user; the home stays private.
        await Cluster.GiveToServiceUserAsync(WorkerHome, JobsDir, PosixOutputsDir);
        File.SetUnixFileMode(PosixOutputsDir, (UnixFileMode)0b111_101_101); // 0755: owned, not writable by others, readable
        File.SetUnixFileMode(WorkerHome, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // The jobs root must be the service user's alone: the worker refuses to stage under one others can read or write.
        File.SetUnixFileMode(JobsDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Editor = new Emx2Client(new Emx2ClientOptions { BaseUrl = Emulator.BaseUrl, AuthMode = Emx2AuthMode.Token, Secret = EditorToken });
    }

    public async Task DisposeAsync()
    {
        if (!MiniHpcFactAttribute.Enabled || Emulator is null) return;
        foreach (var job in Emulator.ListJobs().Where(j => j.SlurmJobId is not null))
            await Cluster.CancelIfQueuedAsync(job.SlurmJobId!);
        Editor.Dispose();
        _http.Dispose();
        await Emulator.DisposeAsync();
        if (Environment.GetEnvironmentVariable("EMX2HPC_MINIHPC_KEEP") != "1")
            foreach (var dir in new[] { WorkerHome, JobsDir, PosixOutputsDir, ScriptsDir })
            {
                try { Directory.Delete(dir, recursive: true); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
    }

    public async Task<JobDto> CreateJobAsync(string profile)
    {
        var created = await Editor.CreateJobAsync(new CreateJobRequest { Processor = Processor, Profile = profile });
        return Job(created.Id);
    }

    public JobDto Job(string id) => Emulator.GetJob(id) ?? throw new InvalidOperationException($"job {id} is not in the emulator");

    public IReadOnlyList<TransitionDto> Transitions(string jobId) => Emulator.GetTransitions(jobId);

    public ArtifactDto Artifact(string id) => Emulator.GetArtifact(id) ?? throw new InvalidOperationException($"artifact {id} is not in the emulator");

    public async Task<string> DownloadTextAsync(string artifactId, string path)
    {
        using var buffer = new MemoryStream();
        await Editor.DownloadFileAsync(artifactId, path, buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A raw GET as the Editor user with redirects not followed (posix downloads answer 302 file://).</summary>
    public Task<HttpResponseMessage> GetAsUserAsync(string pathAndQuery)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Emulator.BaseUrl, pathAndQuery));
        request.Headers.Add(Core.Protocol.ProtocolHeaders.ApiVersion, Core.Protocol.ProtocolConstants.ApiVersion);
        request.Headers.Add(Core.Protocol.ProtocolHeaders.RequestId, Guid.NewGuid().ToString());
        request.Headers.Add(Core.Protocol.ProtocolHeaders.Timestamp, DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(Core.Protocol.ProtocolHeaders.MolgenisToken, EditorToken);
        return _http.SendAsync(request);
    }

    public string JobDir(string jobId) => Path.Combine(JobsDir, jobId);

    private string Config(string secretFile)
    {
        var yaml = new StringBuilder($"""
            # Written by tests/MiniHpc (Support/MiniHpcEnvironment.cs) for the mini HPC cluster of e2e/minihpc.
            emx2:
              base_url: {Emulator.BaseUrl}
              worker_id: {WorkerId}
              worker_secret_file: {secretFile}
            worker:
              poll_interval_seconds: 2
              max_concurrent_jobs: 16
              heartbeat_interval_seconds: 30
              queue_report_interval_seconds: 0
              state_db: {Path.Combine(WorkerHome, "state", "state.db")}
              instance_registry: {Path.Combine(WorkerHome, "state", "instances")}
            slurm:
              default_partition: {Partition}
            profiles:

            """);
        foreach (var (profile, script, residence) in Profiles)
            yaml.Append($"""
                  "{Processor}:{profile}":
                    host_entrypoint: {Path.Combine(ScriptsDir, script)}
                    cpus: 1
                    memory: 256M
                    time: "00:05:00"
                    output_residence: {residence}
                    log_residence: {residence}

                """);
        yaml.Append($"""
            apptainer:
              tmp_dir: {JobsDir}
            staging:
              allowed_posix_roots:
                - {JobsDir}
              posix_output_root: {PosixOutputsDir}

            """);
        return yaml.ToString();
    }

}
