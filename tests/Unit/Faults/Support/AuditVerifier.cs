using System.Text.Json;
using Emx2Hpc.Core.Audit;
using Emx2Hpc.Core.State;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Tests.Unit.Faults.Support;

/// <summary>Every side effect a trial caused left exactly one audit event, whatever the kill interrupted: one claim
/// (or one adoption, when the kill fell between EMX2's claim answer and recording it), one "submitted" per scheduler
/// submission, one "artifact_created" per artifact EMX2 holds (empty orphans excepted: their id was never learned),
/// one "artifact_committed" per referenced artifact, one final "reported" per terminal job, no report twice, and at
/// most one "usage" (a job cancelled before it ran has none).
/// The audit file is read as the worker wrote it (audit.jsonl beside the state database).</summary>
internal static class AuditVerifier
{
    public static int Check(FaultSite site, string jobId, string tag, JobDto job, int submissions, int artifacts, int orphans,
        List<string> problems)
    {
        var events = Events(site).GetValueOrDefault(jobId) ?? [];
        int Count(string name) => events.Count(e => e.GetProperty("event").GetString() == name);
        var violations = 0;
        void Expect(string what, int actual, int expected)
        {
            if (actual == expected) return;
            violations++;
            problems.Add($"{tag}: {actual} audit events for {what}, expected {expected}");
        }

        Expect("claimed+adopted", Count(AuditEvents.Claimed) + Count(AuditEvents.Adopted), 1);
        Expect("submitted", Count(AuditEvents.Submitted), submissions);
        Expect("artifact_created", Count(AuditEvents.ArtifactCreated), artifacts - orphans);
        var referenced = (job.LogArtifactId is null ? 0 : 1) + (job.OutputArtifactId is null ? 0 : 1);
        Expect("artifact_committed", Count(AuditEvents.ArtifactCommitted), referenced);
        // Usage is read once, in the transaction that decides the outcome: never counted twice.
        if (Count(AuditEvents.Usage) > 1) Expect("usage", Count(AuditEvents.Usage), 1);
        var reports = events.Where(e => e.GetProperty("event").GetString() == AuditEvents.Reported).ToList();
        if (JobStatus.IsTerminal(job.Status))
            Expect($"final report {job.Status}", reports.Count(r => r.GetProperty("final").GetBoolean() && r.GetProperty("status").GetString() == job.Status), 1);
        var sequences = reports.Select(r => r.GetProperty("report_seq").GetInt64()).ToList();
        Expect("distinct reports", sequences.Distinct().Count(), sequences.Count);
        return violations;
    }

    private static Dictionary<string, List<JsonElement>> Events(FaultSite site)
    {
        var path = Path.Combine(site.StateDir, "audit.jsonl");
        // A kill after the last side effect but before the cycle's export leaves events in the state database, where
        // the next cycle exports them; a trial may end there (every job terminal), so export them as that cycle would.
        if (File.Exists(site.StateDb))
        {
            using var store = StateStore.Open(site.StateDb);
            AuditExporter.Export(store, path);
        }
        if (!File.Exists(path)) return [];
        return File.ReadLines(path)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .Where(e => e.TryGetProperty("job_id", out var id) && id.ValueKind == JsonValueKind.String)
            .GroupBy(e => e.GetProperty("job_id").GetString()!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
    }
}
