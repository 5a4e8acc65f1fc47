using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Processes;
using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>Hostile jobs through the real cycle: EMX2 (emulator) → poll/claim → staging → validation → (never)
/// the scheduler → FAILED with the reason as detail. Plus hostile server answers: the cycle must keep running,
/// never use a non-UUID job id as a directory name, and never upload what a link points at.</summary>
[Collection(HostileCollection.Name)]
public sealed class CycleEndToEndTests
{
    private const string Area = "end-to-end cycle";

    /// <param name="Arrange">Creates the hostile job (may also tamper with the wire) and returns its id.</param>
    /// <param name="Detail">What the FAILED detail must say.</param>
    internal sealed record Case(Func<CycleHarness, Task<string>> Arrange, params string[] Detail);

    private static async Task<string> PosixInput(CycleHarness h, string path)
    {
        var created = await h.User.CreateArtifactAsync(new CreateArtifactRequest
        {
            Name = "hostile-posix", Type = "blob", Residence = ArtifactResidence.Posix, ContentUrl = "file://" + path,
        });
        await h.User.CommitArtifactAsync(created.Id, new CommitRequest { Sha256 = new string('0', 64), SizeBytes = 1 });
        return created.Id;
    }

    private static async Task<string> ManagedInput(CycleHarness h, string path, string content)
    {
        var created = await h.User.CreateArtifactAsync(new CreateArtifactRequest { Name = "hostile-managed", Type = "blob", Residence = ArtifactResidence.Managed });
        var file = h.Root.WriteFile("upload/" + Guid.NewGuid().ToString("N"), content);
        var sha = await BodyHash.OfFileAsync(file, CancellationToken.None);
        await h.User.UploadFileAsync(created.Id, path, file, sha, new FileInfo(file).Length, "text/plain", null, CancellationToken.None);
        await h.User.CommitArtifactAsync(created.Id, new CommitRequest { Sha256 = sha, SizeBytes = new FileInfo(file).Length });
        return created.Id;
    }

    /// <summary>Rewrites the JSON body of matching responses.</summary>
    private static void Tamper(CycleHarness h, Func<HttpRequestMessage, bool> match, Action<JsonNode> change)
    {
        h.Wire.Rewrite = async (request, response) =>
        {
            if (!match(request) || !response.IsSuccessStatusCode) return response;
            var node = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            change(node);
            var rewritten = new HttpResponseMessage(response.StatusCode) { Content = new StringContent(node.ToJsonString(), Encoding.UTF8, "application/json") };
            foreach (var header in response.Headers) rewritten.Headers.TryAddWithoutValidation(header.Key, header.Value);
            response.Dispose();
            return rewritten;
        };
    }

    internal static readonly IReadOnlyDictionary<string, Case> Cases = new Dictionary<string, Case>
    {
        ["NUL in parameters.args"] = new(h => h.CreateJobAsync(JsonDocument.Parse("""{"args":["ok","x\u0000; touch /tmp/pwned"]}""").RootElement),
            "parameters.args[1]", "NUL"),
        ["LD_PRELOAD in parameters.environment"] = new(h => h.CreateJobAsync(new { environment = new { LD_PRELOAD = "/tmp/evil.so" } }),
            "parameters.environment", "'LD_PRELOAD' is reserved"),
        ["BASH_ENV in parameters.environment"] = new(h => h.CreateJobAsync(new { environment = new { BASH_ENV = "/tmp/evil.sh" } }),
            "parameters.environment", "'BASH_ENV' may not be set by a job"),
        ["PYTHONWARNINGS + BROWSER in parameters.environment (profile allows nothing)"] = new(
            h => h.CreateJobAsync(new { environment = new { PYTHONWARNINGS = "ignore::antigravity.x", BROWSER = "touch /tmp/pwned" } }),
            "parameters.environment.BROWSER", "'BROWSER' is not allowed", "allowed_environment is empty"),
        ["HOME in parameters.environment (profile allows nothing)"] = new(h => h.CreateJobAsync(new { environment = new { HOME = "../input/y" } }),
            "parameters.environment.HOME", "'HOME' is not allowed"),
        ["malformed variable name"] = new(h => h.CreateJobAsync(JsonDocument.Parse("""{"environment":{"A;touch /tmp/x":"v"}}""").RootElement),
            "parameters.environment", "invalid variable name"),
        ["parameters is a list"] = new(h => h.CreateJobAsync(new[] { 1, 2, 3 }), "parameters: must be a JSON object (got a list)"),
        ["argument over the kernel's 128 KiB limit"] = new(h => h.CreateJobAsync(new { args = new[] { new string('a', 140_000) } }), "args[0]"),
        ["posix input outside the allowed roots"] = new(async h => await h.CreateJobAsync(null, new[] { await PosixInput(h, h.Root.SecretFile) }),
            "outside staging.allowed_posix_roots"),
        ["posix input via a link inside the allowed root"] = new(async h =>
        {
            File.CreateSymbolicLink(h.Root.Combine("data/bait.txt"), h.Root.SecretFile);
            return await h.CreateJobAsync(null, new[] { await PosixInput(h, h.Root.Combine("data/bait.txt")) });
        }, "outside staging.allowed_posix_roots"),
        ["managed input listed with a '..' path"] = new(async h =>
        {
            var id = await ManagedInput(h, "data/ok.txt", "fine");
            Tamper(h, r => r.RequestUri!.AbsolutePath.EndsWith($"/artifacts/{id}/files", StringComparison.Ordinal),
                node => node["items"]![0]!["path"] = "../../../../outside/planted.txt");
            return await h.CreateJobAsync(null, new[] { id });
        }, "'..' segment"),
        ["managed input listed with an absolute path"] = new(async h =>
        {
            var id = await ManagedInput(h, "data/ok.txt", "fine");
            Tamper(h, r => r.RequestUri!.AbsolutePath.EndsWith($"/artifacts/{id}/files", StringComparison.Ordinal),
                node => node["items"]![0]!["path"] = "/etc/cron.d/evil");
            return await h.CreateJobAsync(null, new[] { id });
        }, "absolute"),
        ["deeply nested parameters"] = new(h =>
        {
            var deep = new string('[', 200) + new string(']', 200);
            JsonNode Deep() => JsonNode.Parse("{\"deep\":" + deep + "}", documentOptions: new JsonDocumentOptions { MaxDepth = 1000 })!;
            // EMX2 (Jackson) accepts 1000 levels; the emulator refuses more than 64, so the server's answers are edited.
            Tamper(h, r => r.RequestUri!.PathAndQuery.Contains("status=PENDING", StringComparison.Ordinal) || r.RequestUri.AbsolutePath.EndsWith("/claim", StringComparison.Ordinal),
                node =>
                {
                    if (node["items"] is JsonArray items) foreach (var job in items) job!["parameters"] = Deep();
                    else node["parameters"] = Deep();
                });
            return h.CreateJobAsync(new { args = new[] { "x" } });
        }, "parameters", "nested"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public Task Hostile_job_is_reported_FAILED_and_never_submitted(string name) => HostileLedger.RunAsync(Area, name, async () =>
    {
        var c = Cases[name];
        await using var h = await CycleHarness.StartAsync();
        var jobId = await c.Arrange(h);
        var before = h.Root.Snapshot();

        var report = await h.CycleAsync();

        var job = h.Job(jobId);
        var detail = h.LastDetail(jobId);
        Assert.True(job.Status == JobStatus.Failed, $"job is {job.Status}; detail '{detail}'; cycle errors: {string.Join(" | ", report.Errors)}\n{h.LogText}");
        foreach (var fragment in c.Detail) Assert.Contains(fragment, detail);
        Assert.Equal(0, h.Scheduler.Submits);
        Assert.Empty(report.Errors);
        HostileRoot.AssertChangesOnlyUnder(before, h.Root.Snapshot(), $"jobs/{jobId}", "state");
        Assert.False(File.Exists(h.Root.Combine("outside/planted.txt")));
        return Verdict.Refused;
    });

    [Fact]
    public Task Links_in_the_output_directory_are_never_uploaded() => HostileLedger.RunAsync(Area, "links planted in the output directory", async () =>
    {
        var scheduler = new RecordingScheduler
        {
            OnSubmit = spec =>
            {
                var o = spec.Directories.Output;
                File.WriteAllText(Path.Combine(o, "result.txt"), "real result");
                File.WriteAllText(Path.Combine(o, "slurm-1000.out"), "real log");
                var outside = Path.GetFullPath(Path.Combine(spec.Directories.Root, "../../outside"));
                File.CreateSymbolicLink(Path.Combine(o, "passwd"), Path.Combine(outside, "secret.txt"));
                File.CreateSymbolicLink(Path.Combine(o, "loot"), outside);
                File.CreateSymbolicLink(Path.Combine(o, "slurm-1000.err"), Path.Combine(outside, "secret.txt"));
                File.CreateSymbolicLink(Path.Combine(o, "inputs"), spec.Directories.Input);
                Directory.CreateDirectory(Path.Combine(o, "nested"));
                File.CreateSymbolicLink(Path.Combine(o, "nested", "chain"), Path.Combine(o, "passwd"));
            },
        };
        await using var h = await CycleHarness.StartAsync(scheduler);
        var jobId = await h.CreateJobAsync(new { args = new[] { "x" } });

        for (var i = 0; i < 3 && !JobStatus.IsTerminal(h.Job(jobId).Status); i++) await h.CycleAsync();

        // A job that leaves links in output/ is FAILED with the reason (it tried to get something it does not own
        // published); nothing of its output is published, its real log still is.
        var job = h.Job(jobId);
        Assert.True(job.Status == JobStatus.Failed, $"job is {job.Status}: {h.LastDetail(jobId)}\n{h.LogText}");
        Assert.Contains("passwd: symbolic link", h.LastDetail(jobId));
        Assert.Null(job.OutputArtifactId);
        Assert.Equal(["slurm-1000.out"], h.Emulator.Server.ListFiles(job.LogArtifactId!).Select(f => f.Path));
        Assert.DoesNotContain(HostileRoot.CanaryText, h.AllUploadedText());
        Assert.Contains("passwd: symbolic link", h.LogText.ToString());
        return Verdict.Refused;
    });

    /// <summary>"CANARY" is replaced by the canary path.</summary>
    public static readonly TheoryData<string> Processors = new()
    {
        "x;rm -rf /",
        "../x",
        "../../../../tmp/x",
        "$(touch CANARY)`touch CANARY`",
        "a\"b'c;touch CANARY #",
    };

    [Theory]
    [MemberData(nameof(Processors))]
    public Task Processor_name_with_shell_metacharacters_never_reaches_a_shell(string template) => HostileLedger.RunAsync(Area, "processor name " + template, async () =>
    {
        using var canary = new Canary();
        var processor = template.Replace("CANARY", canary.Path, StringComparison.Ordinal);
        string? script = null;
        var scheduler = new RecordingScheduler { OnSubmit = spec => script = BatchScriptBuilder.Build(spec) };
        await using var h = await CycleHarness.StartAsync(scheduler, processor);
        var jobId = await h.CreateJobAsync(new { args = new[] { "x" } });
        var before = h.Root.Snapshot();

        for (var i = 0; i < 3 && !JobStatus.IsTerminal(h.Job(jobId).Status); i++) await h.CycleAsync();

        Assert.Equal(JobStatus.Completed, h.Job(jobId).Status);
        HostileRoot.AssertChangesOnlyUnder(before, h.Root.Snapshot(), $"jobs/{jobId}", "state");
        Assert.NotNull(script);
        Assert.DoesNotContain(processor, script);
        Assert.DoesNotContain(canary.Path, script);
        var path = h.Root.WriteFile("script.sh", script);
        var syntax = await new ProcessRunner().RunAsync(new ProcessCommand("bash", ["-n", path], TimeSpan.FromSeconds(20)), CancellationToken.None);
        Assert.True(syntax.ExitCode == 0, syntax.Stderr);
        Assert.Equal(["input", "output", "work"], Directory.GetDirectories(Path.Combine(h.JobsRoot, jobId)).Select(Path.GetFileName).Order());
        Assert.Equal([jobId], Directory.GetDirectories(h.JobsRoot).Select(Path.GetFileName));
        canary.AssertUntouched();
        return Verdict.Contained;
    });

    private static JsonObject FakeJob(string id, string status, string? workerId) => new()
    {
        ["id"] = id, ["processor"] = CycleHarness.Processor, ["profile"] = CycleHarness.Profile, ["status"] = status,
        ["worker_id"] = workerId, ["timeout_seconds"] = 600, ["claimed_at"] = "2026-01-01T00:00:00",
    };

    public static readonly TheoryData<string> NonUuidIds = new()
    {
        "../../../escaped-by-job-id",
        "x;rm -rf /",
        "a8098c1a-f86e-11da-bd1a-00112443be1e/../../../escaped",
    };

    [Theory]
    [MemberData(nameof(NonUuidIds))]
    public Task Job_id_that_is_not_a_UUID_in_the_PENDING_list(string id) => HostileLedger.RunAsync(Area, "non-UUID id offered as PENDING: " + id, async () =>
    {
        await using var h = await CycleHarness.StartAsync();
        Tamper(h, r => r.RequestUri!.PathAndQuery.Contains("status=PENDING", StringComparison.Ordinal),
            node => node["items"]!.AsArray().Add(FakeJob(id, JobStatus.Pending, null)));
        var before = h.Root.Snapshot();
        var report = await h.CycleAsync();
        Assert.Equal(0, h.Scheduler.Submits);
        Assert.DoesNotContain(h.Wire.Requests, r => r.Contains("/claim", StringComparison.Ordinal));
        HostileRoot.AssertChangesOnlyUnder(before, h.Root.Snapshot(), "state");
        Assert.Contains("not a UUID", h.LogText.ToString());
        Assert.Equal(0, report.Claimed);
        return Verdict.Refused;
    });

    [Theory]
    [MemberData(nameof(NonUuidIds))]
    public Task Job_id_that_is_not_a_UUID_listed_as_ours(string id) => HostileLedger.RunAsync(Area, "non-UUID id listed as CLAIMED by us: " + id, async () =>
    {
        await using var h = await CycleHarness.StartAsync();
        Tamper(h, r => r.RequestUri!.PathAndQuery.Contains("status=CLAIMED", StringComparison.Ordinal),
            node => node["items"]!.AsArray().Add(FakeJob(id, JobStatus.Claimed, CycleHarness.WorkerId)));
        var before = h.Root.Snapshot();
        await h.CycleAsync();
        await h.CycleAsync();
        Assert.Equal(0, h.Scheduler.Submits);
        HostileRoot.AssertChangesOnlyUnder(before, h.Root.Snapshot(), "state");
        Assert.Contains("not a UUID", h.LogText.ToString());
        return Verdict.Refused;
    });

    [Fact]
    public Task Garbage_job_list_does_not_stop_the_cycle() => HostileLedger.RunAsync(Area, "HTML instead of the PENDING list", async () =>
    {
        await using var h = await CycleHarness.StartAsync();
        var jobId = await h.CreateJobAsync(new { args = new[] { "x" } });
        h.Wire.Rewrite = (request, response) =>
        {
            if (!request.RequestUri!.PathAndQuery.Contains("status=PENDING", StringComparison.Ordinal)) return Task.FromResult(response);
            response.Dispose();
            return Task.FromResult(StubHandler.Text(200, "<html><body>Proxy login</body></html>", "text/html"));
        };
        var report = await h.CycleAsync();
        Assert.Contains(report.Errors, e => e.StartsWith("poll:", StringComparison.Ordinal) && e.Contains("invalid response body", StringComparison.Ordinal));
        Assert.False(report.Emx2Unreachable);
        Assert.Equal(JobStatus.Pending, h.Job(jobId).Status);

        h.Wire.Rewrite = null; // the proxy recovers: the next cycle works normally
        for (var i = 0; i < 3 && !JobStatus.IsTerminal(h.Job(jobId).Status); i++) await h.CycleAsync();
        Assert.Equal(JobStatus.Completed, h.Job(jobId).Status);
        return Verdict.Refused;
    });

    [Fact]
    public Task Job_list_item_with_wrong_types() => HostileLedger.RunAsync(Area, "PENDING item with wrong types", async () =>
    {
        await using var h = await CycleHarness.StartAsync();
        await h.CreateJobAsync(new { args = new[] { "x" } });
        Tamper(h, r => r.RequestUri!.PathAndQuery.Contains("status=PENDING", StringComparison.Ordinal),
            node => node["items"]!.AsArray().Add(new JsonObject { ["id"] = 12345, ["status"] = new JsonArray(), ["parameters"] = "x" }));
        var before = h.Root.Snapshot();
        var report = await h.CycleAsync();
        Assert.Contains(report.Errors, e => e.StartsWith("poll:", StringComparison.Ordinal) && e.Contains("invalid response body", StringComparison.Ordinal));
        Assert.False(report.Emx2Unreachable);
        Assert.True(report.Registered);
        Assert.Equal(0, h.Scheduler.Submits);
        Assert.DoesNotContain(h.Wire.Requests, r => r.Contains("/claim", StringComparison.Ordinal));
        HostileRoot.AssertChangesOnlyUnder(before, h.Root.Snapshot(), "state");
        return Verdict.Refused;
    });
}
