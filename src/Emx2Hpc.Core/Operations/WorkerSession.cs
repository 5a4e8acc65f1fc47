using Emx2Hpc.Core.Checks;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Operations;

/// <summary>The one object both hosts talk to: every cmdlet and every `emx2-hpc` command binds its parameters and
/// calls exactly one method here. Worker-side pieces (state database, scheduler, cycle lock) are opened only when an
/// operation needs them, so read-only calls like Get-HpcJob never touch local state.</summary>
public sealed class WorkerSession : IDisposable
{
    private readonly WorkerSessionOptions _options;
    private readonly HpcLog _log;
    private readonly Lazy<Emx2Client> _client;
    private readonly Lazy<Emx2Client> _workerClient;
    private readonly Lazy<CycleRunner> _runner;

    public HpcConfig Config { get; }

    private WorkerSession(HpcConfig config, WorkerSessionOptions options, HpcLog log, PhaseTimeline timeline)
    {
        Config = config;
        _options = options;
        _log = log;
        _client = new Lazy<Emx2Client>(() => new Emx2Client(ClientOptions(), log.For("emx2")));
        _workerClient = new Lazy<Emx2Client>(() => new Emx2Client(Emx2ClientFactory.Options(config), log.For("emx2")));
        _runner = new Lazy<CycleRunner>(() => new CycleRunner(config, new CycleRunnerOptions { Simulate = options.Simulate, LockWait = options.LockWait, Timeline = timeline }, log));
    }

    /// <summary>The session's log, for a host's own messages about an operation (e.g. why the daemon did not start).</summary>
    public HpcLog Log => _log;

    /// <summary>Loads the configuration (throws <see cref="ConfigException"/> listing every problem).</summary>
    public static WorkerSession Open(WorkerSessionOptions options)
    {
        var timeline = options.Timeline ?? new PhaseTimeline();
        var path = ConfigLocator.Resolve(options.ConfigPath);
        var config = HpcConfigLoader.LoadFile(path, new ConfigLoadOptions { AllowInsecureSecret = options.AllowInsecureSecret });
        timeline.Mark("configuration");
        return Create(config, options, timeline);
    }

    /// <summary>A session over a configuration built in code (the demo); <see cref="WorkerSessionOptions.ConfigPath"/>
    /// is not read.</summary>
    public static WorkerSession Open(HpcConfig config, WorkerSessionOptions options)
    {
        HpcConfigValidator.ThrowIfInvalid(config);
        return Create(config, options, options.Timeline ?? new PhaseTimeline());
    }

    private static WorkerSession Create(HpcConfig config, WorkerSessionOptions options, PhaseTimeline timeline)
    {
        var redactor = new Redactor();
        redactor.Add(config.Emx2.Secret?.Value);
        redactor.Add(options.UserToken);
        var sink = options.LogSink is null ? null : new RedactingSink(options.LogSink, redactor);
        var log = sink is null ? HpcLog.Null : new HpcLog(sink, options.LogSource, options.Verbose ? Diagnostics.LogLevel.Debug : Diagnostics.LogLevel.Information);
        foreach (var deprecation in config.Deprecations) log.Warn(deprecation.ToString());
        return new WorkerSession(config, options, log, timeline);
    }

    /// <summary>The (processor, profile) pairs a configuration declares, for argument completion: read without
    /// opening a session. The secret's permissions are not checked because only profile names are used. Throws
    /// <see cref="ConfigException"/> when the file cannot be loaded.</summary>
    public static IReadOnlyList<(string Processor, string Profile)> ConfiguredProfiles(string? configPath)
    {
        var config = HpcConfigLoader.LoadFile(ConfigLocator.Resolve(configPath), new ConfigLoadOptions { AllowInsecureSecret = true });
        return config.Profiles.Select(p => (p.Processor, p.Profile)).ToList();
    }


    private Emx2ClientOptions ClientOptions()
    {
        var options = Emx2ClientFactory.Options(Config);
        return _options.UserToken is { Length: > 0 } token
            ? new Emx2ClientOptions { BaseUrl = options.BaseUrl, WorkerId = options.WorkerId, Secret = token, AuthMode = Emx2AuthMode.Token }
            : options;
    }

    private Emx2Client Client => _client.Value;
    /// <summary>The worker's own HMAC client, also when the session carries a user token.</summary>
    private Emx2Client WorkerClient => _options.UserToken is { Length: > 0 } ? _workerClient.Value : Client;
    private CycleRunner Runner => _runner.Value;

    public async Task<IReadOnlyList<JobDto>> GetJobsAsync(JobFilter filter, CancellationToken ct)
    {
        if (filter.Id is not null) return [await Client.GetJobAsync(ObjectIds.Require(ObjectKind.Job, filter.Id), ct)];
        // EMX2 matches status case-sensitively; admins type "pending".
        var query = new JobQuery { Status = filter.Status?.ToUpperInvariant(), Processor = filter.Processor, Profile = filter.Profile, Limit = filter.Limit, Offset = filter.Offset };
        return filter.All ? await Client.ListAllJobsAsync(query, ct) : (await Client.ListJobsPageAsync(query, ct)).Items;
    }

    /// <summary>Claims register first (an idempotent upsert, as every cron cycle does): EMX2 refuses a claim from a
    /// worker without the matching capability, and an admin's first Receive-HpcJob must not fail on that.</summary>
    public Task<JobDto> ClaimJobAsync(string jobId, CancellationToken ct)
    {
        var id = ObjectIds.Require(ObjectKind.Job, jobId);
        return Runner.WithLockAsync(async c =>
        {
            await c.Registration.RegisterAsync(ct);
            return await c.ClaimJobAsync(id, ct);
        });
    }

    public async Task<IReadOnlyList<JobDto>> ClaimAvailableAsync(int maxJobs, CancellationToken ct)
    {
        var tracked = await Runner.WithLockAsync(async c =>
        {
            await c.Registration.RegisterAsync(ct);
            return await c.ClaimAvailableAsync(maxJobs, ct);
        });
        return tracked.Select(t => t.Claim?.Job ?? new JobDto()).ToList();
    }

    public Task<TrackedJob> SubmitJobAsync(string jobId, CancellationToken ct) => Runner.WithLockAsync(c => c.SubmitJobAsync(jobId, ct));

    public Task<ArtifactDto> SendArtifactAsync(SendArtifactRequest request, IProgress<TransferProgress>? progress, CancellationToken ct) =>
        ArtifactSender.SendAsync(Client, request, Config.Staging.AllowedPosixRoots, progress, ct);

    public Task<DownloadSummary> ReceiveArtifactAsync(string artifactId, string destinationDirectory, IProgress<TransferProgress>? progress, CancellationToken ct) =>
        ArtifactReceiver.ReceiveAsync(Client, _log, ObjectIds.Require(ObjectKind.Artifact, artifactId), destinationDirectory, progress, ct);

    public Task<CycleReport> InvokeCycleAsync(CancellationToken ct) => Runner.RunOnceAsync(ct: ct);

    /// <summary>A shadow cycle: reads EMX2 and the scheduler, returns what a cycle would do, changes nothing.</summary>
    public Task<CycleReport> InvokeShadowCycleAsync(CancellationToken ct) =>
        new Cycle.Shadow.ShadowRunner(Config, new CycleRunnerOptions { Simulate = _options.Simulate }, _log).RunOnceAsync(ct);

    public async Task<IReadOnlyList<CheckResult>> TestAsync(CancellationToken ct)
    {
        var results = LocalChecks.Run(Config, _options.Simulate).ToList();
        results.AddRange(TakeoverChecks.Run(Config));
        results.AddRange(await RemoteChecks.RunAsync(Client, ct));
        return results;
    }

    /// <summary>Registers the worker and its capabilities. Needs neither the state database nor a scheduler, so
    /// it opens neither.</summary>
    public Task<WorkerRegistrationDto> RegisterAsync(CancellationToken ct) =>
        new WorkerRegistration(Config, WorkerClient, _log.For("cycle")).RegisterAsync(ct);

    public Task RunDaemonAsync(CancellationToken stop) => Runner.RunLoopAsync(stop);

    /// <summary>`run --shadow`: a shadow cycle every poll interval until <paramref name="stop"/>; changes nothing.</summary>
    public Task RunShadowDaemonAsync(CancellationToken stop) =>
        new Cycle.Shadow.ShadowRunner(Config, new CycleRunnerOptions { Simulate = _options.Simulate }, _log).RunLoopAsync(stop);

    public Task<JobDto> CancelJobAsync(string jobId, CancellationToken ct) => Client.CancelJobAsync(ObjectIds.Require(ObjectKind.Job, jobId), ct);

    public async Task<JobDto> NewJobAsync(CreateJobRequest request, CancellationToken ct)
    {
        var created = await Client.CreateJobAsync(request, ct);
        return await Client.GetJobAsync(created.Id, ct);
    }

    public Task<IReadOnlyList<TransitionDto>> GetTransitionsAsync(string jobId, CancellationToken ct) =>
        Client.GetTransitionsAsync(ObjectIds.Require(ObjectKind.Job, jobId), ct);

    /// <summary>`status` / Get-HpcWorkerStatus: local state, one read-only EMX2 request, one scheduler ping. Never
    /// takes the cycle lock, claims or reports.</summary>
    public async Task<Status.WorkerStatus> GetStatusAsync(CancellationToken ct)
    {
        using var client = new Emx2Client(Status.WorkerStatusProbe.ClientOptions(Config), _log.For("emx2"), _options.HttpHandler);
        return await Status.WorkerStatusProbe.ProbeAsync(Config, client, _options.Simulate,
            new Scheduling.Processes.ProcessRunner(_log.For("process")), TimeProvider.System, ct);
    }

    /// <summary>Reads the Python emx2-hpc-daemon's tracker (default: its default location) and works out the import.</summary>
    public Task<Takeover.ImportPlan> PlanPythonImportAsync(string? source, CancellationToken ct) =>
        new Takeover.PythonStateImport(Runner.Context).PlanAsync(source ?? State.PythonStateFile.DefaultPath(), ct);

    /// <summary>Writes an import plan into this worker's state database (refused while the Python daemon is active).</summary>
    public Task<Takeover.ImportPlan> ApplyPythonImportAsync(Takeover.ImportPlan plan, CancellationToken ct) =>
        new Takeover.PythonStateImport(Runner.Context).ApplyAsync(plan, ct);


    public IReadOnlyList<TrackedJob> GetTrackedJobs() => Runner.Context.Store.ListJobs();

    /// <summary>Converts one of EMX2's naive server-local timestamps to UTC, with the server zone this session's
    /// client has learned (hosts present UTC times; see ServerClock). Null when absent or unparseable.</summary>
    public DateTimeOffset? ServerTimeToUtc(string? naiveServerTime) => Client.ServerClock.ToUtc(naiveServerTime);

    public void Dispose()
    {
        if (_runner.IsValueCreated) _runner.Value.Dispose();
        if (_client.IsValueCreated) _client.Value.Dispose();
        if (_workerClient.IsValueCreated) _workerClient.Value.Dispose();
    }
}
