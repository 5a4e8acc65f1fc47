using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Emulator;

namespace Emx2Hpc.Cli.Demo;

/// <summary>`emx2-hpc demo`: the whole product on embedded defaults. Starts the emulator on a free loopback
/// port, uploads a managed input artifact as an Editor, creates a job that uses it, then runs the real daemon
/// cycle (as cron would, one `once` at a time) with the simulated scheduler until the job is terminal, and
/// prints the transition history and the output and log artifacts.</summary>
public static class DemoScenario
{
    public const string WorkerId = "demo-worker";
    private const string UserToken = "demo-editor-token";

    public static async Task<int> RunAsync(TextWriter output, HpcLog log, string? workDirectory, CancellationToken ct)
    {
        var root = workDirectory ?? Directory.CreateTempSubdirectory("emx2-hpc-demo-").FullName;
        Directory.CreateDirectory(root);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var options = new EmulatorOptions();
        options.WorkerSecrets[WorkerId] = secret;
        options.UserTokens[UserToken] = UserRole.Editor;
        await using var server = await EmulatorServer.StartAsync(options, ct);
        output.WriteLine($"emulator listening on {server.BaseUrl} (work directory {root})");

        var config = DemoConfig.Build(server.BaseUrl, secret, root);
        using var user = new Emx2Client(new Emx2ClientOptions { BaseUrl = server.BaseUrl, Secret = UserToken, AuthMode = Emx2AuthMode.Token, WorkerId = WorkerId });
        var inputId = await UploadInputAsync(user, ct);
        output.WriteLine($"uploaded managed input artifact {inputId}");
        var job = await user.CreateJobAsync(new CreateJobRequest
        {
            Processor = DemoConfig.Processor, Profile = DemoConfig.Profile,
            Inputs = JsonSerializer.SerializeToElement(new[] { inputId }),
            Parameters = JsonSerializer.SerializeToElement(new { args = new object[] { "--greeting", "hello", 3, true } }),
            TimeoutSeconds = 600,
        }, ct);
        output.WriteLine($"created job {job.Id} (PENDING)");

        using var runner = new CycleRunner(config, new CycleRunnerOptions { Simulate = true }, log);
        JobDto current = await user.GetJobAsync(job.Id, ct);
        for (var cycle = 1; cycle <= 20 && !JobStatus.IsTerminal(current.Status); cycle++)
        {
            var report = await runner.RunOnceAsync(ct: ct);
            current = await user.GetJobAsync(job.Id, ct);
            output.WriteLine($"cycle {cycle}: job {current.Status}{(report.Errors.Count > 0 ? $" (errors: {string.Join("; ", report.Errors)})" : "")}");
        }

        await DemoReport.WriteAsync(output, user, current, ct);
        var ok = current.Status == JobStatus.Completed
                 && current.OutputArtifactId is { } o && (await user.GetArtifactAsync(o, ct)).Status == ArtifactStatus.Committed
                 && current.LogArtifactId is { } l && (await user.GetArtifactAsync(l, ct)).Status == ArtifactStatus.Committed;
        output.WriteLine(ok ? "demo: job COMPLETED with committed output and log artifacts" : $"demo: FAILED (job is {current.Status})");
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
