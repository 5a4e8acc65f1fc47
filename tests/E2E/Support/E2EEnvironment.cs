using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Emulator;
using Xunit;

namespace Emx2Hpc.Tests.E2E.Support;

/// <summary>What every end-to-end test shares: an in-process EMX2 emulator (one worker credential, one Editor
/// token), a temporary directory with the job scripts (copied and made executable: git does not keep modes
/// reliably), the worker's secret file (0600), a data directory allowed for posix inputs, and the worker's
/// config.yaml with the e2e-test profiles. The daemon itself only ever runs as `emx2-hpc once -c config.yaml`
/// child processes (see <see cref="DaemonDriver"/>).
///
/// Two slow scenarios (Slurm's wall-time limit and the job's timeout_seconds) need a minute of real time; their
/// jobs are created here, at start, so they run while the other scenarios drive the daemon, and their tests mostly
/// find them finished.</summary>
public sealed class E2EEnvironment : IAsyncLifetime
{
    public const string WorkerId = "e2e-test-worker";
    public const string Processor = "e2e-test";
    public const string PartitionVariable = "EMX2HPC_E2E_PARTITION";
    public const string KeepVariable = "EMX2HPC_E2E_KEEP";

    /// <summary>Profile name → job script under e2e/scripts.</summary>
    public static readonly IReadOnlyDictionary<string, string> ProfileScripts = new Dictionary<string, string>
    {
        ["bash"] = "e2e_job.sh",
        ["fail"] = "e2e_fail.sh",
        ["slow"] = "e2e_slow.sh",
        ["posix"] = "e2e_posix.sh",
        ["transform"] = "e2e_transform.sh",
        ["nested"] = "e2e_nested.sh",
        ["progress"] = "e2e_progress.sh",
        ["walltime"] = "e2e_slow.sh",
    };

    public string EditorToken { get; } = "e2e-editor-" + Guid.NewGuid().ToString("N");
    public string Partition { get; } = Environment.GetEnvironmentVariable(PartitionVariable) is { Length: > 0 } p ? p : "debug";

    public string Root { get; private set; } = "";
    public string ScriptsDir => Path.Combine(Root, "scripts");
    public string DataDir => Path.Combine(Root, "data");
    public string JobsDir => Path.Combine(Root, "jobs");
    /// <summary>staging.posix_output_root: where posix-residence results are moved before EMX2 is given their URL.</summary>
    public string PosixOutputsDir => Path.Combine(Root, "posix-outputs");
    public string ConfigPath => Path.Combine(Root, "config.yaml");
    /// <summary>The command line that starts emx2-hpc (CliLocator).</summary>
    public IReadOnlyList<string> Cli { get; private set; } = [];

    public EmulatorServer Emulator { get; private set; } = null!;
    /// <summary>EMX2 as the Editor user who submits jobs and cancels them.</summary>
    public Emx2Client Editor { get; private set; } = null!;
    /// <summary>EMX2 as the worker (HMAC), for the test's own claims and artifact uploads.</summary>
    public Emx2Client Worker { get; private set; } = null!;
    public SlurmProbe Slurm { get; private set; } = null!;

    /// <summary>Started at fixture start (see the class summary).</summary>
    public string WalltimeJobId { get; private set; } = "";
    public string TimeoutJobId { get; private set; } = "";
    public const int TimeoutJobSeconds = 20;

    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
    private readonly string _secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();

    public async Task InitializeAsync()
    {
        if (!E2EFactAttribute.Enabled) return;
        Cli = CliLocator.Command();
        Root = Directory.CreateTempSubdirectory("emx2hpc-e2e-").FullName;
        // slurmd (possibly another user in the VM) must reach the job directories and scripts.
        File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        Directory.CreateDirectory(ScriptsDir);
        Directory.CreateDirectory(DataDir);
        Emx2Hpc.Core.FileSystem.PrivateFiles.CreateDirectory(JobsDir); // the worker requires an owned, private jobs root
        foreach (var script in Directory.GetFiles(CliLocator.ScriptsDirectory, "*.sh"))
        {
            var target = Path.Combine(ScriptsDir, Path.GetFileName(script));
            File.Copy(script, target, overwrite: true);
            File.SetUnixFileMode(target, (UnixFileMode)0b111_101_101); // 0755
        }
        var secretFile = WriteSecretFile(Path.Combine(Root, "worker.secret"), _secret);

        Emulator = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            WorkerSecrets = { [WorkerId] = _secret },
            UserTokens = { [EditorToken] = UserRole.Editor },
        });
        WriteConfig(ConfigPath, WorkerId, secretFile, Path.Combine(Root, "state", "state.db"));
        Editor = new Emx2Client(new Emx2ClientOptions { BaseUrl = Emulator.BaseUrl, AuthMode = Emx2AuthMode.Token, Secret = EditorToken });
        Worker = new Emx2Client(new Emx2ClientOptions { BaseUrl = Emulator.BaseUrl, WorkerId = WorkerId, Secret = _secret });
        Slurm = new SlurmProbe(Partition);

        WalltimeJobId = (await CreateJobAsync("walltime")).Id;
        TimeoutJobId = (await CreateJobAsync("slow", timeoutSeconds: TimeoutJobSeconds)).Id;
    }

    public async Task DisposeAsync()
    {
        if (!E2EFactAttribute.Enabled || Emulator is null) return;
        // Leave nothing running on the shared cluster: cancel our Slurm jobs that are still queued or running.
        foreach (var job in Emulator.ListJobs().Where(j => j.SlurmJobId is not null))
        {
            try
            {
                if (await Slurm.SqueueStateAsync(job.SlurmJobId!) is not null) await Slurm.ScancelAsync(job.SlurmJobId!);
            }
            catch (InvalidOperationException)
            {
                // best effort
            }
        }
        Editor.Dispose();
        Worker.Dispose();
        _http.Dispose();
        await Emulator.DisposeAsync();
        if (Environment.GetEnvironmentVariable(KeepVariable) != "1")
        {
            try { Directory.Delete(Root, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Creates a PENDING job for e2e-test:<paramref name="profile"/> as the Editor user.</summary>
    public async Task<JobDto> CreateJobAsync(string profile, object? parameters = null, object? inputs = null, int? timeoutSeconds = null)
    {
        var created = await Editor.CreateJobAsync(new CreateJobRequest
        {
            Processor = Processor,
            Profile = profile,
            Parameters = parameters is null ? null : JsonSerializer.SerializeToElement(parameters),
            Inputs = inputs is null ? null : JsonSerializer.SerializeToElement(inputs),
            TimeoutSeconds = timeoutSeconds,
        });
        return Job(created.Id);
    }

    /// <summary>A raw API call as the Editor user, redirects not followed: for asserting exact status codes.</summary>
    public Task<HttpResponseMessage> SendAsUserAsync(HttpMethod method, string pathAndQuery)
    {
        var request = new HttpRequestMessage(method, new Uri(Emulator.BaseUrl, pathAndQuery));
        request.Headers.Add(ProtocolHeaders.ApiVersion, ProtocolConstants.ApiVersion);
        request.Headers.Add(ProtocolHeaders.RequestId, Guid.NewGuid().ToString());
        request.Headers.Add(ProtocolHeaders.Timestamp, DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(ProtocolHeaders.MolgenisToken, EditorToken);
        return _http.SendAsync(request);
    }

    public JobDto Job(string id) => Emulator.GetJob(id) ?? throw new InvalidOperationException($"job {id} is not in the emulator");

    public IReadOnlyList<TransitionDto> Transitions(string jobId) => Emulator.GetTransitions(jobId);

    public ArtifactDto Artifact(string id) => Emulator.GetArtifact(id) ?? throw new InvalidOperationException($"artifact {id} is not in the emulator");

    /// <summary>Downloads one file of an artifact through the API, as the Editor user.</summary>
    public async Task<byte[]> DownloadAsync(string artifactId, string path)
    {
        using var buffer = new MemoryStream();
        await Editor.DownloadFileAsync(artifactId, path, buffer);
        return buffer.ToArray();
    }

    public async Task<string> DownloadTextAsync(string artifactId, string path) => Encoding.UTF8.GetString(await DownloadAsync(artifactId, path));

    /// <summary>The per-job directory the daemon uses (apptainer.tmp_dir/&lt;job id&gt;).</summary>
    public string JobDir(string jobId) => Path.Combine(JobsDir, jobId);

    /// <summary>A second worker identity in the same emulator (its own secret file and config).</summary>
    public string AddWorkerConfig(string workerId)
    {
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        Emulator.SetWorkerSecret(workerId, secret);
        var dir = Directory.CreateDirectory(Path.Combine(Root, "workers", workerId)).FullName;
        var config = Path.Combine(dir, "config.yaml");
        WriteConfig(config, workerId, WriteSecretFile(Path.Combine(dir, "worker.secret"), secret), Path.Combine(dir, "state.db"));
        return config;
    }

    private static string WriteSecretFile(string path, string secret)
    {
        File.WriteAllText(path, secret + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private void WriteConfig(string path, string workerId, string secretFile, string stateDb)
    {
        var yaml = new StringBuilder();
        yaml.Append($"""
            # Written by the e2e suite (tests/E2E/Support/E2EEnvironment.cs); see e2e/e2e-config.example.yaml.
            emx2:
              base_url: {Emulator.BaseUrl}
              worker_id: {workerId}
              worker_secret_file: {secretFile}
            worker:
              poll_interval_seconds: 2
              max_concurrent_jobs: 16
              heartbeat_interval_seconds: 30
              state_db: {stateDb}
              instance_registry: {Path.Combine(Path.GetDirectoryName(stateDb)!, "instances")}
            slurm:
              default_partition: {Partition}
            profiles:

            """);
        foreach (var (profile, script) in ProfileScripts)
        {
            var posix = profile == "posix";
            yaml.Append($"""
                  "{Processor}:{profile}":
                    host_entrypoint: {Path.Combine(ScriptsDir, script)}
                    cpus: 1
                    memory: 256M
                    time: "{(profile == "walltime" ? "00:01:00" : "00:05:00")}"
                    output_residence: {(posix ? "posix" : "managed")}
                    log_residence: {(posix ? "posix" : "managed")}
                    allowed_environment: ["E2E_*"]

                """);
        }
        yaml.Append($"""
            apptainer:
              tmp_dir: {JobsDir}
            staging:
              allowed_posix_roots:
                - {DataDir}
              posix_output_root: {PosixOutputsDir}

            """);
        File.WriteAllText(path, yaml.ToString());
    }
}
