using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Operations;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Emulator;

namespace Emx2Hpc.Cli.Demo;

/// <summary>`emx2-hpc demo`: the whole product on embedded defaults. Starts the emulator on a free loopback
/// port, uploads a managed input artifact as an Editor, creates a job that uses it, then runs the real daemon
/// cycle through <see cref="WorkerSession"/> (as cron would, one `once` at a time) with the simulated scheduler
/// until the job is terminal, and prints the transition history and the output and log artifacts. A temporary
/// work directory is removed at the end; one given with --dir is kept.</summary>
public static class DemoScenario
{
    public const string WorkerId = "demo-worker";
    private const string UserToken = "demo-editor-token";

    /// <param name="daemonLog">Where the daemon's own log lines go; null keeps them quiet.</param>
    /// <param name="verbose">Debug lines too (-v).</param>
    public static async Task<int> RunAsync(TextWriter output, ILogSink? daemonLog, string? workDirectory, CancellationToken ct, bool verbose = false)
    {
        if (workDirectory is not null)
        {
            Directory.CreateDirectory(workDirectory);
            var exit = await RunInAsync(output, daemonLog, verbose, workDirectory, ct);
            output.WriteLine($"work directory kept: {workDirectory}");
            return exit;
        }
        var root = Directory.CreateTempSubdirectory("emx2-hpc-demo-").FullName;
        try
        {
            return await RunInAsync(output, daemonLog, verbose, root, ct);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            output.WriteLine($"removed the temporary work directory {root} (pass --dir DIR to keep one)");
        }
    }

    private static async Task<int> RunInAsync(TextWriter output, ILogSink? daemonLog, bool verbose, string root, CancellationToken ct)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var options = new EmulatorOptions();
        options.WorkerSecrets[WorkerId] = secret;
        options.UserTokens[UserToken] = UserRole.Editor;
        await using var server = await EmulatorServer.StartAsync(options, ct);
        output.WriteLine($"emulator listening on {server.BaseUrl} (work directory {root})");
        output.WriteLine("scheduler: simulated. Nothing runs on Slurm or any real scheduler, and the job's entrypoint is not");
        output.WriteLine("executed; the simulated scheduler writes the batch script and a result.txt describing the job instead.");

        var config = DemoConfig.Build(server.BaseUrl, secret, root);
        using var user = new Emx2Client(new Emx2ClientOptions { BaseUrl = server.BaseUrl, Secret = UserToken, AuthMode = Emx2AuthMode.Token, WorkerId = WorkerId });
        var inputId = await UploadInputAsync(user, ct);
        output.WriteLine($"uploaded managed input artifact {inputId}");
        var job = await user.CreateJobAsync(new CreateJobRequest
        {
            Processor = DemoConfig.Processor, Profile = DemoConfig.Profile,
            Inputs = JsonDocument.Parse(new JsonArray(inputId).ToJsonString()).RootElement.Clone(),
            Parameters = JsonDocument.Parse("""{"args":["--greeting","hello",3,true]}""").RootElement.Clone(),
            TimeoutSeconds = 600,
        }, ct);
        output.WriteLine($"created job {job.Id} (PENDING)");

        using var worker = WorkerSession.Open(config, new WorkerSessionOptions { Simulate = true, LogSink = daemonLog, Verbose = verbose, LogSource = "emx2-hpc" });
        JobDto current = await user.GetJobAsync(job.Id, ct);
        for (var cycle = 1; cycle <= 20 && !JobStatus.IsTerminal(current.Status); cycle++)
        {
            var report = await worker.InvokeCycleAsync(ct);
            current = await user.GetJobAsync(job.Id, ct);
            output.WriteLine($"cycle {cycle}: job {current.Status}{(report.Errors.Count > 0 ? $" (errors: {string.Join("; ", report.Errors)})" : "")}");
        }

        await DemoReport.WriteAsync(output, user, current, ct);
        var ok = current.Status == JobStatus.Completed
                 && current.OutputArtifactId is { } o && (await user.GetArtifactAsync(o, ct)).Status == ArtifactStatus.Committed
                 && current.LogArtifactId is { } l && (await user.GetArtifactAsync(l, ct)).Status == ArtifactStatus.Committed;
        output.WriteLine(ok ? "demo: job COMPLETED with committed output and log artifacts" : $"demo: FAILED (job is {current.Status})");
        output.WriteLine("demo: all of this ran against the built-in emulator with the simulated scheduler; no real scheduler was used");
        return ok ? 0 : 1;
    }

    private static async Task<string> UploadInputAsync(Emx2Client user, CancellationToken ct)
    {
        var created = await user.CreateArtifactAsync(new CreateArtifactRequest { Name = "demo-input", Type = "blob", Residence = ArtifactResidence.Managed }, ct);
        var path = Path.Combine(Path.GetTempPath(), $"emx2-hpc-demo-input-{Guid.NewGuid():N}.txt");
        try
        {
            await File.WriteAllTextAsync(path, "Hello from EMX2: the sequences to embed would be here.\n", Encoding.UTF8, ct);
            var sha = await BodyHash.OfFileAsync(path, ct);
            var size = new FileInfo(path).Length;
            await user.UploadFileAsync(created.Id, "data/greeting.txt", path, sha, size, "text/plain", null, ct);
            await user.CommitArtifactAsync(created.Id, new CommitRequest { Sha256 = sha, SizeBytes = size }, ct);
            return created.Id;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
