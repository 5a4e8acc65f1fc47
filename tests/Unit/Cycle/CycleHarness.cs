using System.Text;
using System.Text.Json;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Simulated;
using Emx2Hpc.Core.State;
using Emx2Hpc.Emulator;
using Emx2Hpc.Emulator.Faults;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

/// <summary>What a test may change about the harness before it starts.</summary>
public sealed class HarnessOptions
{
    /// <summary>Use a <see cref="ScriptedScheduler"/> instead of the file-backed simulated scheduler.</summary>
    public bool Scripted { get; set; }
    public int MaxConcurrentJobs { get; set; } = 4;
    public int QueueReportIntervalSeconds { get; set; } = 300;
    public List<ProfileConfig> Profiles { get; } = [CycleHarness.MainProfile];
    /// <summary>Paths under the harness root (created) that become staging.allowed_posix_roots.</summary>
    public List<string> AllowedPosixRootNames { get; } = [];
    public TimeSpan? UnknownGrace { get; set; }
    /// <summary>SS era: the worker secret is also the server's shared secret, valid even after the worker row and
    /// its credentials are deleted (the only way a heartbeat can meet a 404).</summary>
    public bool SharedSecret { get; set; }
    /// <summary>MOLGENIS_HPC_MAX_UPLOAD_BYTES of the emulator (null: its default).</summary>
    public long? MaxUploadBytes { get; set; }
}

/// <summary>One worker against one in-process EMX2 emulator on a loopback port: a real <see cref="Emx2Client"/>
/// (HMAC), a real <see cref="StateStore"/> in a temporary directory, a scheduler double, a fake clock shared by the
/// worker, the emulator and the scheduler, and an Editor and a Manager user to create jobs and inputs. Every
/// request the worker sends is recorded (<see cref="Sent"/>), and the runner can be thrown away and rebuilt on
/// the same state database to model a restart (<see cref="Restart"/>).</summary>
public sealed class CycleHarness : IAsyncDisposable
{
    public const string WorkerId = "cycle-worker-01";
    public const string WorkerSecret = "cycle-worker-secret-0123456789abcdefghijklmnopq";
    public const string EditorToken = "cycle-editor-token";
    public const string ManagerToken = "cycle-manager-token";
    public const string Processor = "text-embedding:v3";
    public const string Profile = "gpu-medium";

    public static readonly ProfileConfig MainProfile = HostProfile(Processor, Profile);

    public static ProfileConfig HostProfile(string processor, string profile) => new()
    {
        Key = $"{processor}/{profile}", Processor = processor, Profile = profile, HostEntrypoint = "/bin/sh",
        Cpus = 1, Memory = "1G", Time = "00:10:00",
        AllowedEnvironment = ["MODEL"], // job environment is default-deny; the submit tests pass MODEL
    };

    private readonly HarnessOptions _options;
    private readonly ITestOutputHelper? _output;
    private readonly List<SentRequest> _sent = [];
    private CycleRunner? _runner;
    private RecordingHandler? _handler;

    public EmulatorServer Server { get; }
    public FakeClock Clock { get; }
    public string Root { get; }
    public HpcConfig Config { get; }
    public IScheduler Scheduler { get; }
    public MemoryLogSink Logs { get; } = new();
    /// <summary>An EMX2 user with the Editor role: creates jobs and input artifacts, cancels its jobs.</summary>
    public Emx2Client User { get; }
    /// <summary>An EMX2 user with the Manager role (deletes workers).</summary>
    public Emx2Client Manager { get; }
    public string UserName { get; }

    private CycleHarness(EmulatorServer server, FakeClock clock, string root, HpcConfig config, IScheduler scheduler,
        HarnessOptions options, ITestOutputHelper? output, string userName)
    {
        Server = server; Clock = clock; Root = root; Config = config; Scheduler = scheduler; _options = options; _output = output;
        UserName = userName;
        User = new Emx2Client(new Emx2ClientOptions { BaseUrl = server.BaseUrl, Secret = EditorToken, AuthMode = Emx2AuthMode.Token, Clock = clock });
        Manager = new Emx2Client(new Emx2ClientOptions { BaseUrl = server.BaseUrl, Secret = ManagerToken, AuthMode = Emx2AuthMode.Token, Clock = clock });
    }

    public static async Task<CycleHarness> StartAsync(ITestOutputHelper? output = null, Action<HarnessOptions>? configure = null)
    {
        var options = new HarnessOptions();
        configure?.Invoke(options);
        var clock = new FakeClock();
        var emulatorOptions = new EmulatorOptions();
        emulatorOptions.WorkerSecrets[WorkerId] = WorkerSecret;
        emulatorOptions.UserTokens[ManagerToken] = UserRole.Manager;
        if (options.SharedSecret) emulatorOptions.SharedSecret = WorkerSecret;
        if (options.MaxUploadBytes is { } max) emulatorOptions.MaxUploadBytes = max;
        var server = await EmulatorServer.StartAsync(emulatorOptions);
        server.SetClock(clock.GetUtcNow);
        var userName = server.AddUserToken(EditorToken, UserRole.Editor, "cycle-editor");
        var root = Directory.CreateTempSubdirectory("emx2hpc-cycle-").FullName;
        var roots = options.AllowedPosixRootNames.Select(n => Directory.CreateDirectory(Path.Combine(root, n)).FullName).ToList();
        var config = new HpcConfig
        {
            Emx2 = new Emx2Settings { BaseUrl = server.BaseUrl, WorkerId = WorkerId, Secret = new WorkerSecret(WorkerSecret), AuthMode = AuthMode.Hmac },
            Worker = new WorkerSettings
            {
                PollIntervalSeconds = 1, MaxConcurrentJobs = options.MaxConcurrentJobs, StateDb = Path.Combine(root, "state", "state.db"),
                QueueReportIntervalSeconds = options.QueueReportIntervalSeconds,
            },
            Slurm = new SlurmSettings(),
            Profiles = options.Profiles.ToList(),
            Apptainer = new ApptainerSettings { TmpDir = Path.Combine(root, "jobs") },
            Staging = new StagingSettings { AllowedPosixRoots = roots, PosixOutputRoot = Path.Combine(root, "posix-outputs"), PosixOutputRootConfigured = true },
        };
        HpcConfigValidator.ThrowIfInvalid(config);
        IScheduler scheduler = options.Scripted
            ? new ScriptedScheduler()
            : new SimulatedScheduler(new SimulatedSchedulerOptions { StateDirectory = SchedulerFactory.SimulatedStateDir(config) }, null, clock);
        return new CycleHarness(server, clock, root, config, scheduler, options, output, userName);
    }

    // ---- the worker ------------------------------------------------------------------------------------------

    public ScriptedScheduler Scripted => Scheduler as ScriptedScheduler ?? throw new InvalidOperationException("harness runs the simulated scheduler");
    public SimulatedScheduler Simulated => Scheduler as SimulatedScheduler ?? throw new InvalidOperationException("harness runs the scripted scheduler");

    /// <summary>The current runner (one process lifetime), created on first use.</summary>
    public CycleRunner Runner => _runner ??= NewRunner();

    /// <summary>The current runner's HTTP transport (crash and canned-answer controls).</summary>
    public RecordingHandler Http
    {
        get
        {
            _ = Runner;
            return _handler!;
        }
    }

    public StateStore Store => Runner.Context.Store;

    /// <summary>Every request any runner of this harness sent, in order.</summary>
    public IReadOnlyList<SentRequest> Sent { get { lock (_sent) return _sent.ToList(); } }

    public void ClearSent() { lock (_sent) _sent.Clear(); }

    private CycleRunner NewRunner()
    {
        _handler = new RecordingHandler(_sent);
        return CreateRunner(Config, _handler, TimeSpan.Zero);
    }

    /// <summary>Another process on the same machine: its own runner (and store connection) on the same state
    /// database, or on a variant of the configuration. The caller disposes it.</summary>
    public CycleRunner CreateRunner(HpcConfig? config = null, TimeSpan? lockWait = null) =>
        CreateRunner(config ?? Config, new RecordingHandler(_sent), lockWait ?? TimeSpan.Zero);

    private CycleRunner CreateRunner(HpcConfig config, HttpMessageHandler handler, TimeSpan lockWait) =>
        new(config, new CycleRunnerOptions
        {
            Scheduler = Scheduler, Clock = Clock, HttpHandler = handler, UnknownGrace = _options.UnknownGrace, LockWait = lockWait,
        }, new HpcLog(new TestSink(Logs, _output), "cycle-test", LogLevel.Debug));

    /// <summary>The process dies (or is restarted): the next use builds a new runner on the same state database.</summary>
    public void Restart()
    {
        _runner?.Dispose();
        _handler?.Dispose();
        _runner = null;
        _handler = null;
    }

    public Task<CycleReport> RunCycleAsync(bool register = true, bool acceptWork = true) => Runner.RunOnceAsync(register, acceptWork);

    /// <summary>Runs cycles until EMX2 has the job terminal and the worker no longer tracks it.</summary>
    public async Task<JobDto> RunUntilFinishedAsync(string jobId, int maxCycles = 8)
    {
        for (var i = 0; i < maxCycles; i++)
        {
            await RunCycleAsync();
            if (JobStatus.IsTerminal(Job(jobId).Status) && Store.GetJob(jobId) is null) return Job(jobId);
        }
        Assert.Fail($"job {jobId} not finished after {maxCycles} cycles: EMX2 {Job(jobId).Status}, local {Store.GetJob(jobId)?.Phase.ToString() ?? "none"}\n{LogText()}");
        return null!;
    }

    /// <summary>A worker client of its own, e.g. to act as this worker outside the cycle.</summary>
    public Emx2Client NewWorkerClient() => new(new Emx2ClientOptions
    {
        BaseUrl = Server.BaseUrl, WorkerId = WorkerId, Secret = WorkerSecret, AuthMode = Emx2AuthMode.Hmac, Clock = Clock,
    });

    public void SetFaults(string json) => Server.SetFaultPlan(FaultPlanParser.Parse(json));

    // ---- EMX2 side ------------------------------------------------------------------------------------------

    public async Task<string> CreateJobAsync(string? profile = Profile, object? parameters = null, object? inputs = null,
        int? timeoutSeconds = null, string processor = Processor)
    {
        var created = await User.CreateJobAsync(new CreateJobRequest
        {
            Processor = processor,
            Profile = profile,
            Parameters = parameters is null ? null : JsonSerializer.SerializeToElement(parameters),
            Inputs = inputs is null ? null : JsonSerializer.SerializeToElement(inputs),
            TimeoutSeconds = timeoutSeconds,
        });
        Clock.Advance(TimeSpan.FromSeconds(1)); // distinct created_at: EMX2 lists PENDING jobs oldest first
        return created.Id;
    }

    /// <summary>Creates, fills and commits a managed artifact; returns its id. EMX2 echoes the artifact's name in
    /// the job's enriched inputs, so the worker also links it as input/&lt;name&gt;.</summary>
    public async Task<string> UploadManagedInputAsync(string name, params (string Path, string Content)[] files)
    {
        var created = await User.CreateArtifactAsync(new CreateArtifactRequest { Name = name, Type = "blob", Residence = ArtifactResidence.Managed });
        var hashes = new List<(string, string)>();
        long total = 0;
        foreach (var (path, content) in files)
        {
            var local = Path.Combine(Root, "upload-" + Guid.NewGuid().ToString("N"));
            await File.WriteAllTextAsync(local, content, new UTF8Encoding(false));
            var sha = await BodyHash.OfFileAsync(local, default);
            var size = new FileInfo(local).Length;
            await User.UploadFileAsync(created.Id, path, local, sha, size, "text/plain", null);
            File.Delete(local);
            hashes.Add((path, sha));
            total += size;
        }
        await User.CommitArtifactAsync(created.Id, new CommitRequest { Sha256 = TreeHash.Compute(hashes), SizeBytes = total });
        return created.Id;
    }

    /// <summary>Registers a posix artifact for a file on this machine, committed with the file's current hash.</summary>
    public async Task<string> RegisterPosixInputAsync(string fullPath, string name = "posix-input")
    {
        var created = await User.CreateArtifactAsync(new CreateArtifactRequest
        {
            Name = name, Type = "blob", Residence = ArtifactResidence.Posix, ContentUrl = "file://" + fullPath,
        });
        var sha = await BodyHash.OfFileAsync(fullPath, default);
        await User.CommitArtifactAsync(created.Id, new CommitRequest { Sha256 = sha, SizeBytes = new FileInfo(fullPath).Length });
        return created.Id;
    }

    public JobDto Job(string id) => Server.GetJob(id) ?? throw new InvalidOperationException($"no job {id}");
    public IReadOnlyList<TransitionDto> Transitions(string id) => Server.GetTransitions(id);
    /// <summary>to_status of every transition row, oldest first (PENDING is the creation row).</summary>
    public IReadOnlyList<string> Statuses(string id) => Transitions(id).Select(t => t.ToStatus).ToList();
    public ArtifactDto Artifact(string id) => Server.GetArtifact(id) ?? throw new InvalidOperationException($"no artifact {id}");
    public IReadOnlyList<ArtifactFileDto> Files(string artifactId) => Server.ListFiles(artifactId);

    /// <summary>Every artifact whose provenance metadata names this job (results the worker made for it).</summary>
    public IReadOnlyList<ArtifactDto> ArtifactsOf(string jobId) => Server.ListArtifacts()
        .Where(a => a.Metadata is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty("job_id", out var j) && j.GetString() == jobId)
        .ToList();

    public string FileText(string artifactId, string path) =>
        Encoding.UTF8.GetString(Server.GetFileContent(artifactId, path) ?? throw new InvalidOperationException($"no content for {path}"));

    // ---- cluster side ---------------------------------------------------------------------------------------

    public JobDirectories Dirs(string jobId) => JobDirectories.For(Config.Apptainer.TmpDir, jobId);

    /// <summary>Writes a file into the job's output directory, as the workload would.</summary>
    public string WriteOutput(string jobId, string relativePath, string content)
    {
        var full = Path.Combine(Dirs(jobId).Output, relativePath.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content, new UTF8Encoding(false));
        return full;
    }

    public string[] SubmissionsLog() =>
        File.Exists(Simulated.SubmissionsLogPath) ? File.ReadAllLines(Simulated.SubmissionsLogPath) : [];

    public string LogText() => string.Join("\n", Logs.Events.Select(e => $"{e.Level} {e.Source}: {e.Message}"));

    public async ValueTask DisposeAsync()
    {
        Restart();
        User.Dispose();
        Manager.Dispose();
        await Server.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* best effort */ }
    }

    private sealed class TestSink(MemoryLogSink memory, ITestOutputHelper? output) : ILogSink
    {
        public void Write(LogEvent e)
        {
            memory.Write(e);
            if (output is null) return;
            try { output.WriteLine($"{e.Timestamp:HH:mm:ss.fff} {e.Level} {e.Source}: {e.Message}"); }
            catch (InvalidOperationException) { /* the test already ended */ }
        }
    }
}
