using System.Text.Json;
using Emx2Hpc.Emulator.Model;
using Emx2Hpc.Emulator.Storage;
using Emx2Hpc.Emulator.Storage.Records;

namespace Emx2Hpc.Emulator.Domain;

/// <summary>Worker registration, heartbeat and removal (SERVER-SPEC §6.2).</summary>
internal sealed class WorkerService(HpcDatabase db, EmulatorClock clock)
{
    public Task<WorkerRecord> RegisterAsync(string headerWorkerId, JsonElement body)
    {
        var workerId = JsonFields.String(body, "worker_id");
        if (string.IsNullOrWhiteSpace(workerId)) throw HpcProblemException.BadRequest("worker_id is required");
        if (workerId != headerWorkerId)
            throw HpcProblemException.BadRequest("worker_id in request body must match X-Worker-Id header");
        var hostname = JsonFields.String(body, "hostname");
        var capabilities = ParseCapabilities(workerId, body);
        return db.RunAsync(s =>
        {
            var worker = s.Workers.Register(workerId, hostname, clock.Stamp());
            // Registration replaces the capability list; an absent list leaves the worker with none.
            s.Workers.ReplaceCapabilities(workerId, capabilities);
            return worker;
        });
    }

    public Task HeartbeatAsync(string pathWorkerId, string headerWorkerId)
    {
        if (string.IsNullOrWhiteSpace(pathWorkerId)) throw HpcProblemException.BadRequest("id is required");
        if (pathWorkerId != headerWorkerId) throw HpcProblemException.BadRequest("X-Worker-Id header must match worker id in path");
        return db.RunAsync(s =>
        {
            if (!s.Workers.Heartbeat(pathWorkerId, clock.Stamp())) throw HpcProblemException.NotFound($"Worker {pathWorkerId} not found");
        });
    }

    /// <summary>Removes capabilities and all credentials, detaches jobs (status and history untouched).</summary>
    public Task DeleteAsync(string workerId)
    {
        if (string.IsNullOrWhiteSpace(workerId)) throw HpcProblemException.BadRequest("id is required");
        return db.RunAsync(s =>
        {
            if (s.Workers.Find(workerId) is null) throw HpcProblemException.NotFound($"Worker {workerId} not found");
            s.Credentials.DeleteAllOf(workerId);
            s.Jobs.DetachWorker(workerId);
            s.Workers.Delete(workerId);
        });
    }

    /// <summary>The server lets the database reject a capability without processor/profile (a 500); the emulator
    /// answers 400 naming the entry.</summary>
    private static List<CapabilityRecord> ParseCapabilities(string workerId, JsonElement body)
    {
        var list = new List<CapabilityRecord>();
        if (!JsonFields.TryGet(body, "capabilities", out var caps)) return list;
        if (caps.ValueKind != JsonValueKind.Array) throw HpcProblemException.BadRequest("capabilities must be an array");
        var index = 0;
        foreach (var cap in caps.EnumerateArray())
        {
            var where = $"capabilities[{index}]";
            if (cap.ValueKind != JsonValueKind.Object) throw HpcProblemException.BadRequest($"{where} must be an object");
            var processor = JsonFields.String(cap, "processor");
            if (string.IsNullOrEmpty(processor)) throw HpcProblemException.BadRequest($"{where}.processor is required");
            var profile = JsonFields.String(cap, "profile");
            if (profile is null) throw HpcProblemException.BadRequest($"{where}.profile is required");
            list.Add(new CapabilityRecord
            {
                WorkerId = workerId,
                Position = index,
                Processor = processor,
                Profile = profile,
                MaxConcurrentJobs = JsonFields.Int(cap, "max_concurrent_jobs"),
            });
            index++;
        }
        return list;
    }
}
