using System.Text.Json;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Tests.Unit.TestSupport;
using LogLevel = Emx2Hpc.Core.Diagnostics.LogLevel;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>The real daemon cycle (CycleRunner: EMX2 client, state store, staging, completion) against an
/// in-process emulator, with a recording scheduler in place of Slurm and a tampering handler on the wire. Every
/// log line of the cycle is captured through the product's own console sink.</summary>
internal sealed class CycleHarness : IAsyncDisposable
{
    public const string WorkerId = "hostile-worker";
    public const string Processor = "hostile-proc";
    public const string Profile = "cpu";

    /// <summary>43 characters, like an issued base64url worker secret, and distinctive enough to grep for.</summary>
    public const string Secret = "LOGSCAN-q7Wz2xR9vT4-never-print-me-K3mP8sY1";

    private CycleHarness(HostileRoot root, EmulatorFixture emulator, HpcConfig config, RecordingScheduler scheduler, bool jsonLogs, LogLevel level)
    {
        Root = root;
        Emulator = emulator;
        Config = config;
        Scheduler = scheduler;
        var redactor = new Redactor();
        redactor.Add(config.Emx2.Secret?.Value);
        Log = new HpcLog(new ConsoleLogSink(LogText, jsonLogs, redactor), "emx2-hpc", level);
        User = new Emx2Client(new Emx2ClientOptions { BaseUrl = emulator.BaseUrl, Secret = EmulatorFixture.EditorToken, AuthMode = Emx2AuthMode.Token });
    }

    public HostileRoot Root { get; }
    public EmulatorFixture Emulator { get; }
    public HpcConfig Config { get; }
    public RecordingScheduler Scheduler { get; }
    public TamperingHandler Wire { get; } = new();
    public StringWriter LogText { get; } = new();
    public HpcLog Log { get; }
    public Emx2Client User { get; }

    public string JobsRoot => Config.Apptainer.TmpDir;

    public static async Task<CycleHarness> StartAsync(RecordingScheduler? scheduler = null, string processor = Processor,
        string? serverSecret = null, bool jsonLogs = false, LogLevel level = LogLevel.Debug)
    {
        var root = new HostileRoot();
        var emulator = await EmulatorFixture.StartAsync(o => o.WorkerSecrets[WorkerId] = serverSecret ?? Secret);
        var config = new HpcConfig
        {
            Emx2 = new Emx2Settings { BaseUrl = emulator.BaseUrl, WorkerId = WorkerId, Secret = new WorkerSecret(Secret), AuthMode = AuthMode.Hmac },
            Worker = new WorkerSettings { PollIntervalSeconds = 1, MaxConcurrentJobs = 5, StateDb = root.Combine("state/state.db") },
            Slurm = new SlurmSettings(),
            Profiles =
            [
                new ProfileConfig
                {
                    Key = $"{processor}:{Profile}", Processor = processor, Profile = Profile, HostEntrypoint = "/bin/true",
                    Cpus = 1, Memory = "1G", Time = "00:10:00",
                },
            ],
            Apptainer = new ApptainerSettings { TmpDir = root.Combine("jobs") },
            Staging = new StagingSettings { AllowedPosixRoots = [root.Combine("data")], PosixOutputRoot = root.Combine("posix-outputs"), PosixOutputRootConfigured = true },
        };
        HpcConfigValidator.ThrowIfInvalid(config);
        Directory.CreateDirectory(root.Combine("data"));
        Emx2Hpc.Core.FileSystem.PrivateFiles.CreateDirectory(config.Apptainer.TmpDir); // an owned, private jobs root
        return new CycleHarness(root, emulator, config, scheduler ?? new RecordingScheduler(), jsonLogs, level);
    }

    public async Task<string> CreateJobAsync(object? parameters, object? inputs = null, string? processor = null)
    {
        var created = await User.CreateJobAsync(new CreateJobRequest
        {
            Processor = processor ?? Config.Profiles[0].Processor,
            Profile = Profile,
            Parameters = parameters is null ? null : parameters as JsonElement? ?? JsonSerializer.SerializeToElement(parameters),
            Inputs = inputs is null ? null : inputs as JsonElement? ?? JsonSerializer.SerializeToElement(inputs),
            TimeoutSeconds = 600,
        });
        return created.Id;
    }

    public async Task<CycleReport> CycleAsync()
    {
        using var runner = new CycleRunner(Config, new CycleRunnerOptions { Scheduler = Scheduler, HttpHandler = Wire }, Log);
        return await runner.RunOnceAsync();
    }

    public JobDto Job(string id) => Emulator.Server.GetJob(id) ?? throw new InvalidOperationException($"job {id} not in the emulator");

    /// <summary>Detail of the job's newest transition (FAILED/COMPLETED reasons live there).</summary>
    public string LastDetail(string id) => Emulator.Server.GetTransitions(id).LastOrDefault()?.Detail ?? "";

    /// <summary>Every stored byte of every artifact file in the emulator, concatenated: what was uploaded.</summary>
    public string AllUploadedText() => string.Concat(Emulator.Server.ListArtifacts()
        .SelectMany(a => Emulator.Server.ListFiles(a.Id).Select(f => Emulator.Server.GetFileContent(a.Id, f.Path)))
        .Where(b => b is not null).Select(b => System.Text.Encoding.UTF8.GetString(b!)));

    public async ValueTask DisposeAsync()
    {
        User.Dispose();
        Wire.Dispose();
        await Emulator.DisposeAsync();
        Root.Dispose();
    }
}
