using System.Text.Json;
using Emx2Hpc.Core.Audit;
using Emx2Hpc.Core.State;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Operations;

/// <summary>The audit file: one event per side effect with the fixed fields, no secret, and an export that is
/// idempotent and repairs a half-written last line.</summary>
public sealed class AuditTrailTests
{
    private static List<JsonElement> Events(string file) =>
        File.ReadAllLines(file).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public async Task A_job_leaves_one_event_per_side_effect_with_who_and_when()
    {
        await using var world = await OperationsWorld.StartAsync();
        var jobId = await world.NewJobAsync();
        await world.RunUntilIdleAsync();

        var events = Events(world.AuditFile);
        var names = events.Select(e => e.GetProperty("event").GetString()).ToList();
        Assert.Equal(1, names.Count(n => n == AuditEvents.Claimed));
        Assert.Equal(1, names.Count(n => n == AuditEvents.Staged));
        Assert.Equal(1, names.Count(n => n == AuditEvents.Submitted));
        var reports = events.Where(e => e.GetProperty("event").GetString() == AuditEvents.Reported).ToList();
        Assert.Equal(reports.Count, reports.Select(r => r.GetProperty("report_seq").GetInt64()).Distinct().Count()); // no report twice
        Assert.Contains(reports, r => r.GetProperty("status").GetString() == "SUBMITTED");
        Assert.Single(reports, r => r.GetProperty("final").GetBoolean() && r.GetProperty("status").GetString() == "COMPLETED");

        Assert.All(events, e =>
        {
            Assert.Equal(jobId, e.GetProperty("job_id").GetString());
            Assert.Equal(OperationsWorld.WorkerId, e.GetProperty("worker_id").GetString());
            Assert.EndsWith("Z", e.GetProperty("time").GetString());
        });
        var submitted = events.Single(e => e.GetProperty("event").GetString() == AuditEvents.Submitted);
        Assert.Matches("^[0-9a-f]{64}$", submitted.GetProperty("batch_script_sha256").GetString());
        Assert.False(string.IsNullOrEmpty(submitted.GetProperty("scheduler_job_id").GetString()));
        Assert.Equal(events.Select(e => e.GetProperty("seq").GetInt64()).Order(), events.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.DoesNotContain(OperationsWorld.Secret, File.ReadAllText(world.AuditFile));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(world.AuditFile));
    }

    [Fact]
    public async Task Export_is_idempotent_and_cuts_a_half_written_line()
    {
        await using var world = await OperationsWorld.StartAsync();
        await world.NewJobAsync();
        await world.RunUntilIdleAsync();
        var before = File.ReadAllLines(world.AuditFile);

        using (var store = StateStore.Open(world.StateDb))
        {
            Assert.Equal(0, AuditExporter.Export(store, world.AuditFile));
            // A process killed mid-append leaves a partial line; the next export removes it and writes the event whole.
            store.InTransaction(tx => tx.AppendAudit(DateTimeOffset.UtcNow, AuditEvents.Cancelled, "job-x", "{\"worker_id\":\"w\"}"));
            File.AppendAllText(world.AuditFile, "{\"seq\":");
            Assert.Equal(1, AuditExporter.Export(store, world.AuditFile));
            Assert.Equal(0, AuditExporter.Export(store, world.AuditFile));
        }
        var after = File.ReadAllLines(world.AuditFile);
        Assert.Equal(before, after[..before.Length]);
        Assert.Single(after[before.Length..]);
        Assert.Equal("cancelled", JsonDocument.Parse(after[^1]).RootElement.GetProperty("event").GetString());
    }

    [Fact]
    public async Task Turning_audit_off_writes_no_file_but_metrics_still_count()
    {
        await using var world = await OperationsWorld.StartAsync();
        File.WriteAllText(world.Config, File.ReadAllText(world.Config).Replace("audit:\n  path: audit/audit.jsonl", "audit:\n  enabled: false"));
        await world.NewJobAsync();
        await world.RunUntilIdleAsync();
        Assert.False(File.Exists(world.AuditFile));
        Assert.False(File.Exists(Path.Combine(world.Root, "state", "audit.jsonl")));
        Assert.Contains("emx2hpc_jobs_claimed_total{profile=\"gpu\"} 1", File.ReadAllText(world.Textfile));
    }
}
