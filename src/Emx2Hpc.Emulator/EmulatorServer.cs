using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Emulator.Domain;
using Emx2Hpc.Emulator.Faults;
using Emx2Hpc.Emulator.Hosting;
using Emx2Hpc.Emulator.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Emx2Hpc.Emulator;

/// <summary>An EMX2 HPC API stand-in on Kestrel, for tests, the CLI's demo and benchmarks. Start it with
/// <see cref="StartAsync"/>, talk to <see cref="BaseUrl"/> over HTTP, and use the back doors below to arrange
/// situations (credentials, clock skew, disabled mode, faults) and to inspect what the server recorded.</summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorComponents _c;
    private int _disposed;

    private EmulatorServer(WebApplication app, EmulatorComponents components, Uri baseUrl)
    {
        _app = app;
        _c = components;
        BaseUrl = baseUrl;
    }

    /// <summary>The address actually bound, e.g. http://127.0.0.1:41234/ (port 0 resolved).</summary>
    public Uri BaseUrl { get; }

    /// <summary>Requests per endpoint since start (or the last <see cref="RequestLog.Reset"/>).</summary>
    public RequestLog RequestLog => _c.RequestLog;

    /// <summary>Total faults fired by the current fault plan.</summary>
    public int FaultsFired => _c.Faults.FiredCount;

    /// <summary>Faults fired per rule of the current plan, in plan order.</summary>
    public IReadOnlyList<int> FaultsFiredPerRule => _c.Faults.FiredPerRule;

    /// <summary>Starts the emulator and returns once it accepts connections.</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public static async Task<EmulatorServer> StartAsync(EmulatorOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        EmulatorOptionsValidator.Validate(options);
        var faultPlan = options.FaultPlan ?? (options.FaultPlanPath is { } path ? FaultPlanParser.LoadFile(path) : null);
        var components = new EmulatorComponents(options, faultPlan, Console.Error);
        WebApplication? app = null;
        try
        {
            foreach (var (workerId, secret) in options.WorkerSecrets)
                components.Credentials.SetSecret(workerId, secret, createdBy: "emulator");
            foreach (var (token, role) in options.UserTokens) components.Tokens.Add(token, role);
            app = EmulatorApp.Build(components, options.ListenUrl);
            await app.StartAsync(ct).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("Kestrel reported no listening address");
            return new EmulatorServer(app, components, new Uri(address.TrimEnd('/') + "/"));
        }
        catch
        {
            if (app is not null) await app.DisposeAsync().ConfigureAwait(false);
            components.Database.Dispose();
            throw;
        }
    }

    // ---- back doors: arrange situations -------------------------------------------------------------------

    /// <summary>Issues a fresh secret for a worker (revoking its other ACTIVE credentials) and returns it.</summary>
    public string IssueWorkerSecret(string workerId)
    {
        var secret = SecretGenerator.New();
        _c.Credentials.SetSecret(workerId, secret, createdBy: "emulator");
        return secret;
    }

    /// <summary>Makes <paramref name="secret"/> the worker's only ACTIVE credential (no-op if it already is).</summary>
    public void SetWorkerSecret(string workerId, string secret) => _c.Credentials.SetSecret(workerId, secret, createdBy: "emulator");

    /// <summary>Sets or clears (null) the SS-era shared secret.</summary>
    public void SetSharedSecret(string? secret) => _c.Settings.SharedSecret = secret;

    /// <summary>MOLGENIS_HPC_ENABLED: false makes every route but health answer 503.</summary>
    public void SetEnabled(bool enabled) => _c.Settings.Enabled = enabled;

    /// <summary>MOLGENIS_HPC_CREDENTIALS_KEY: null makes credential issue/rotate and HMAC with stored credentials 503.</summary>
    public void SetCredentialsKey(string? key) => _c.Settings.CredentialsKey = key;

    /// <summary>The server's clock (HMAC ±300 s window, credential expiry, timestamps). Null restores the real clock.</summary>
    public void SetClock(Func<DateTimeOffset>? now) => _c.Clock.Set(now);

    /// <summary>Registers an x-molgenis-token; returns the user name it stands for (used as submit_user).</summary>
    public string AddUserToken(string token, UserRole role, string? userName = null) => _c.Tokens.Add(token, role, userName);

    /// <summary>Replaces the fault plan (null: none) and resets the fault counters.</summary>
    public void SetFaultPlan(FaultPlan? plan) => _c.Faults.SetPlan(plan);

    // ---- read-only inspection -----------------------------------------------------------------------------

    public JobDto? GetJob(string id) =>
        _c.Database.Run(s => s.Jobs.Find(id) is { } job ? JsonResponses.ToDto<JobDto>(JobJson.Build(JobSnapshot.Of(s, job))) : null);

    /// <summary>All jobs of every status, oldest first.</summary>
    public IReadOnlyList<JobDto> ListJobs() =>
        _c.Database.Run(s => s.Jobs.ListAll().Select(j => JsonResponses.ToDto<JobDto>(JobJson.Build(JobSnapshot.Of(s, j)))).ToList());

    public IReadOnlyList<TransitionDto> GetTransitions(string jobId) =>
        _c.Database.Run(s => s.Transitions.ForJob(jobId).Select(t => JsonResponses.ToDto<TransitionDto>(TransitionJson.Build(t))).ToList());

    public ArtifactDto? GetArtifact(string id) =>
        _c.Database.Run(s => s.Artifacts.Find(id) is { } a ? JsonResponses.ToDto<ArtifactDto>(ArtifactJson.Build(a)) : null);

    /// <summary>All artifacts, oldest first.</summary>
    public IReadOnlyList<ArtifactDto> ListArtifacts() =>
        _c.Database.Run(s => s.Artifacts.ListAll().Select(a => JsonResponses.ToDto<ArtifactDto>(ArtifactJson.Build(a))).ToList());

    public IReadOnlyList<ArtifactFileDto> ListFiles(string artifactId) =>
        _c.Database.Run(s => s.Files.AllOf(artifactId).Select(f => JsonResponses.ToDto<ArtifactFileDto>(ArtifactJson.FileItem(f))).ToList());

    /// <summary>Stored bytes of a file, or null (no such file, or metadata only).</summary>
    public byte[]? GetFileContent(string artifactId, string path) =>
        _c.Database.Run(s => s.Files.Find(artifactId, path) is { HasContent: true } f ? s.Files.ReadContent(f.Id) : null);

    /// <summary>A worker's credentials (metadata only, newest first).</summary>
    public IReadOnlyList<CredentialDto> ListCredentials(string workerId) =>
        _c.Database.Run(s => s.Credentials.ForWorker(workerId).Select(c => JsonResponses.ToDto<CredentialDto>(WorkerJson.Credential(c))).ToList());

    public WorkerRegistrationDto? GetWorker(string workerId) =>
        _c.Database.Run(s => s.Workers.Find(workerId) is { } w ? JsonResponses.ToDto<WorkerRegistrationDto>(WorkerJson.Registered(w)) : null);

    public IReadOnlyList<CapabilityDto> GetCapabilities(string workerId) =>
        _c.Database.Run(s => s.Workers.Capabilities(workerId)
            .Select(c => new CapabilityDto { Processor = c.Processor, Profile = c.Profile, MaxConcurrentJobs = c.MaxConcurrentJobs })
            .ToList());

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _c.Database.Dispose();
        }
    }
}
