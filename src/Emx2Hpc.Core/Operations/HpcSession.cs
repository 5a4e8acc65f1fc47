using System.Text.Json;
using Emx2Hpc.Core.Checks;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Operations;

/// <summary>The one object PowerShell cmdlets (and scripts) talk to: every cmdlet binds its parameters and calls
/// exactly one method here. Worker-side pieces (state database, scheduler, cycle lock) are opened only when an
/// operation needs them, so read-only calls like Get-HpcJob never touch local state.</summary>
public sealed class HpcSession : IDisposable
{
    private readonly HpcSessionOptions _options;
    private readonly HpcLog _log;
    private readonly Lazy<Emx2Client> _client;
    private readonly Lazy<CycleRunner> _runner;

    public HpcConfig Config { get; }

    private HpcSession(HpcConfig config, HpcSessionOptions options, HpcLog log, PhaseTimeline timeline)
    {
        Config = config;
        _options = options;
        _log = log;
        _client = new Lazy<Emx2Client>(() => new Emx2Client(ClientOptions(), log.For("emx2")));
        _runner = new Lazy<CycleRunner>(() => new CycleRunner(config, new CycleRunnerOptions { Simulate = options.Simulate, Timeline = timeline }, log));
    }

    /// <summary>Loads the configuration (throws <see cref="ConfigException"/> listing every problem).</summary>
    public static HpcSession Open(HpcSessionOptions options)
    {
        var timeline = new PhaseTimeline();
        var path = ConfigLocator.Resolve(options.ConfigPath);
        var config = HpcConfigLoader.LoadFile(path, new ConfigLoadOptions { AllowInsecureSecret = options.AllowInsecureSecret });
        var redactor = new Redactor();
        redactor.Add(config.Emx2.Secret?.Value);
        redactor.Add(options.UserToken);
        var sink = options.LogSink is null ? null : new RedactingSink(options.LogSink, redactor);
        var log = sink is null ? HpcLog.Null : new HpcLog(sink, "emx2hpc", options.Verbose ? Diagnostics.LogLevel.Debug : Diagnostics.LogLevel.Information);
        timeline.Mark("configuration");
        return new HpcSession(config, options, log, timeline);
    }

    private Emx2ClientOptions ClientOptions()
    {
        var options = Emx2ClientFactory.Options(Config);
        return _options.UserToken is { Length: > 0 } token
            ? new Emx2ClientOptions { BaseUrl = options.BaseUrl, WorkerId = options.WorkerId, Secret = token, AuthMode = Emx2AuthMode.Token }
            : options;
    }

    private Emx2Client Client => _client.Value;
    private CycleRunner Runner => _runner.Value;

    public async Task<IReadOnlyList<JobDto>> GetJobsAsync(JobFilter filter, CancellationToken ct)
    {
        if (filter.Id is not null) return [await Client.GetJobAsync(filter.Id, ct)];
        // EMX2 matches status case-sensitively; admins type "pending".
        var query = new JobQuery { Status = filter.Status?.ToUpperInvariant(), Processor = filter.Processor, Profile = filter.Profile, Limit = filter.Limit, Offset = filter.Offset };
        return filter.All ? await Client.ListAllJobsAsync(query, ct) : (await Client.ListJobsPageAsync(query, ct)).Items;
    }

    /// <summary>Claims register first (an idempotent upsert, as every cron cycle does): EMX2 refuses a claim from a
    /// worker without the matching capability, and an admin's first Receive-HpcJob must not fail on that.</summary>
    public Task<JobDto> ClaimJobAsync(string jobId, CancellationToken ct) => Runner.WithLockAsync(async c =>
    {
        await c.Registration.RegisterAsync(ct);
        return await c.ClaimJobAsync(jobId, ct);
    });

    public async Task<IReadOnlyList<JobDto>> ClaimAvailableAsync(int maxJobs, CancellationToken ct)
    {
        var tracked = await Runner.WithLockAsync(async c =>
        {
            await c.Registration.RegisterAsync(ct);
            return await c.ClaimAvailableAsync(maxJobs, ct);
        });
        return tracked.Select(t => JsonSerializer.Deserialize<JobDto>(t.JobJson ?? "{}", JsonDefaults.Options)!).ToList();
    }

    public Task<TrackedJob> SubmitJobAsync(string jobId, CancellationToken ct) => Runner.WithLockAsync(c => c.SubmitJobAsync(jobId, ct));

    public Task<ArtifactDto> SendArtifactAsync(SendArtifactRequest request, IProgress<TransferProgress>? progress, CancellationToken ct) =>
        ArtifactSender.SendAsync(Client, request, Config.Staging.AllowedPosixRoots, progress, ct);

    public Task<DownloadSummary> ReceiveArtifactAsync(string artifactId, string destinationDirectory, IProgress<TransferProgress>? progress, CancellationToken ct) =>
        ArtifactReceiver.ReceiveAsync(Client, _log, artifactId, destinationDirectory, progress, ct);

    public Task<CycleReport> InvokeCycleAsync(CancellationToken ct) => Runner.RunOnceAsync(ct: ct);

    public async Task<IReadOnlyList<CheckResult>> TestAsync(CancellationToken ct)
    {
        var results = LocalChecks.Run(Config, _options.Simulate).ToList();
        results.AddRange(await RemoteChecks.RunAsync(Client, ct));
        return results;
    }

    public Task<WorkerRegistrationDto> RegisterAsync(CancellationToken ct) => Runner.RegisterAsync(ct);

    public Task RunDaemonAsync(CancellationToken stop) => Runner.RunLoopAsync(stop);

    public Task<JobDto> CancelJobAsync(string jobId, CancellationToken ct) => Client.CancelJobAsync(jobId, ct);

    public async Task<JobDto> NewJobAsync(CreateJobRequest request, CancellationToken ct)
    {
        var created = await Client.CreateJobAsync(request, ct);
        return await Client.GetJobAsync(created.Id, ct);
    }

    public Task<IReadOnlyList<TransitionDto>> GetTransitionsAsync(string jobId, CancellationToken ct) => Client.GetTransitionsAsync(jobId, ct);

    public IReadOnlyList<TrackedJob> GetTrackedJobs() => Runner.Context.Store.ListJobs();

    public void Dispose()
    {
        if (_runner.IsValueCreated) _runner.Value.Dispose();
        if (_client.IsValueCreated) _client.Value.Dispose();
    }
}
