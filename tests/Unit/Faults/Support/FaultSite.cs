using System.Globalization;
using System.Text;
using System.Text.Json;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Emulator;

namespace Emx2Hpc.Tests.Unit.Faults.Support;

/// <summary>One head node against one EMX2: an in-process emulator on a loopback port, a worker credential, a
/// config.yaml (secret file mode 0600, state_db and tmp_dir inside the site directory) and an Editor who creates
/// jobs. The daemon under test is the real `emx2-hpc once` executable pointed at <see cref="ConfigPath"/>.</summary>
internal sealed class FaultSite : IAsyncDisposable
{
    public const string WorkerId = "fault-worker";
    public const string Processor = "fault-sim";
    public const string Profile = "sim";
    public const string EditorToken = "fault-editor-token";

    private FaultSite(string root, EmulatorServer server, Emx2Client editor, string secret)
    {
        Root = root;
        Server = server;
        Editor = editor;
        WorkerSecret = secret;
    }

    public string Root { get; }
    public EmulatorServer Server { get; }
    public Emx2Client Editor { get; }
    public string WorkerSecret { get; }

    public string ConfigPath => Path.Combine(Root, "config.yaml");
    public string StateDir => Path.Combine(Root, "state");
    public string StateDb => Path.Combine(StateDir, "state.db");
    public string JobsRoot => Path.Combine(Root, "jobs");
    /// <summary>SchedulerFactory.SimulatedStateDir: beside the state database.</summary>
    public string SimulatedDir => Path.Combine(StateDir, "simulated-scheduler");
    public string SubmissionsLog => Path.Combine(SimulatedDir, "submissions.log");

    /// <summary>Starts an emulator and writes the site's configuration. <paramref name="root"/> defaults to a new
    /// temporary directory; <paramref name="configure"/> adjusts the emulator (state file, fault plan).</summary>
    public static async Task<FaultSite> StartAsync(string? root = null, Action<EmulatorOptions>? configure = null,
        int maxConcurrentJobs = 40, string? profileYaml = null, string? processor = null)
    {
        root ??= Directory.CreateTempSubdirectory("emx2-faults-").FullName;
        Directory.CreateDirectory(root);
        var secret = "fault-secret-" + Guid.NewGuid().ToString("N");
        var options = new EmulatorOptions();
        options.WorkerSecrets[WorkerId] = secret;
        options.UserTokens[EditorToken] = UserRole.Editor;
        configure?.Invoke(options);
        var server = await EmulatorServer.StartAsync(options);
        var editor = new Emx2Client(new Emx2ClientOptions
        {
            BaseUrl = server.BaseUrl, Secret = EditorToken, AuthMode = Emx2AuthMode.Token, WorkerId = WorkerId,
        });
        var site = new FaultSite(root, server, editor, secret);
        site.WriteConfig(maxConcurrentJobs, profileYaml, processor ?? Processor);
        return site;
    }

    /// <summary>Writes config.yaml and the 0600 secret file. <paramref name="profileYaml"/> replaces the body of the
    /// single profile (indented by four spaces); by default a host-mode profile the simulated scheduler never runs.</summary>
    public void WriteConfig(int maxConcurrentJobs = 40, string? profileYaml = null, string processor = Processor)
    {
        var secretPath = Path.Combine(Root, "secret");
        File.WriteAllText(secretPath, WorkerSecret + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(secretPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        profileYaml ??= """
                host_entrypoint: /bin/true
                cpus: 1
                memory: 1G
                time: "00:10:00"
            """;
        var yaml = new StringBuilder()
            .Append("emx2:\n")
            .Append("  base_url: \"").Append(Server.BaseUrl).Append("\"\n")
            .Append("  worker_id: ").Append(WorkerId).Append('\n')
            .Append("  auth_mode: hmac\n")
            .Append("  worker_secret_file: secret\n")
            .Append("worker:\n")
            .Append("  poll_interval_seconds: 1\n")
            .Append("  max_concurrent_jobs: ").Append(maxConcurrentJobs.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("  state_db: \"").Append(StateDb).Append("\"\n")
            .Append("  instance_registry: \"").Append(Path.Combine(StateDir, "instances")).Append("\"\n")
            .Append("profiles:\n")
            .Append("  \"").Append(processor).Append(':').Append(Profile).Append("\":\n")
            .Append(profileYaml.TrimEnd()).Append('\n')
            .Append("apptainer:\n")
            .Append("  tmp_dir: \"").Append(JobsRoot).Append("\"\n");
        File.WriteAllText(ConfigPath, yaml.ToString());
    }

    /// <summary>A managed input artifact, committed, with the given files (relative path → content).</summary>
    public async Task<string> CreateInputAsync(string name, IReadOnlyDictionary<string, string> files)
    {
        var created = await Editor.CreateArtifactAsync(new CreateArtifactRequest { Name = name, Type = "blob", Residence = ArtifactResidence.Managed });
        var scratch = Path.Combine(Root, "input-scratch");
        Directory.CreateDirectory(scratch);
        var all = new List<(string Path, string Sha256)>();
        long total = 0;
        foreach (var (relative, content) in files)
        {
            var local = Path.Combine(scratch, Guid.NewGuid().ToString("N"));
            await File.WriteAllTextAsync(local, content, new UTF8Encoding(false));
            var sha = await BodyHash.OfFileAsync(local);
            var size = new FileInfo(local).Length;
            await Editor.UploadFileAsync(created.Id, relative, local, sha, size, "text/plain", null);
            all.Add((relative, sha));
            total += size;
        }
        await Editor.CommitArtifactAsync(created.Id, new CommitRequest { Sha256 = TreeHash.Compute(all), SizeBytes = total });
        return created.Id;
    }

    /// <summary>Creates a job for this site's processor/profile.</summary>
    public async Task<string> CreateJobAsync(object parameters, IReadOnlyList<string>? inputs = null, string? processor = null)
    {
        var job = await Editor.CreateJobAsync(new CreateJobRequest
        {
            Processor = processor ?? Processor, Profile = Profile,
            Parameters = JsonSerializer.SerializeToElement(parameters),
            Inputs = inputs is { Count: > 0 } ? JsonSerializer.SerializeToElement(inputs) : null,
            TimeoutSeconds = 3600,
        });
        return job.Id;
    }

    /// <summary>Lines of submissions.log per EMX2 job id: one line per SubmitAsync that completed.</summary>
    public IReadOnlyDictionary<string, int> SubmissionsPerJob()
    {
        if (!File.Exists(SubmissionsLog)) return new Dictionary<string, int>();
        return File.ReadAllLines(SubmissionsLog)
            .Select(l => l.Split('\t'))
            .Where(p => p.Length >= 3)
            .GroupBy(p => p[2], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }

    /// <summary>Simulated scheduler job records per EMX2 job id (the scheduler's own view of what was submitted;
    /// covers a kill between saving the record and appending the log line).</summary>
    public IReadOnlyDictionary<string, int> SchedulerJobsPerJob()
    {
        var dir = Path.Combine(SimulatedDir, "jobs");
        if (!Directory.Exists(dir)) return new Dictionary<string, int>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(dir, "*.json"))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var id = doc.RootElement.GetProperty("emx2_job_id").GetString() ?? "";
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }
        return counts;
    }

    public async ValueTask DisposeAsync()
    {
        Editor.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>Removes the site directory (kept when a trial failed, so it can be inspected).</summary>
    public void DeleteFiles()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
