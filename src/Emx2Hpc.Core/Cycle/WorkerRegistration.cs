using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Registers the worker with one capability per configured profile. Registration is an upsert that
/// also refreshes the heartbeat, so cron mode registers every cycle; the long-running daemon heartbeats and
/// re-registers when EMX2 has forgotten it (404).</summary>
public sealed class WorkerRegistration(HpcConfig config, Emx2Client client, HpcLog log)
{
    public WorkerRegistration(CycleContext ctx)
        : this(ctx.Config, ctx.Client, ctx.Log)
    {
    }

    private string WorkerId => config.Emx2.WorkerId;

    public IReadOnlyList<CapabilityDto> Capabilities() =>
        config.Profiles
            .Select(p => new CapabilityDto { Processor = p.Processor, Profile = p.Profile, MaxConcurrentJobs = config.Worker.MaxConcurrentJobs })
            .ToList();

    public async Task<WorkerRegistrationDto> RegisterAsync(CancellationToken ct)
    {
        var result = await client.RegisterWorkerAsync(new RegisterWorkerRequest
        {
            WorkerId = WorkerId,
            Hostname = Environment.MachineName,
            Capabilities = Capabilities(),
        }, ct);
        log.Debug($"registered worker {WorkerId} with {config.Profiles.Count} capabilities");
        return result;
    }

    public async Task HeartbeatAsync(CancellationToken ct)
    {
        try
        {
            await client.HeartbeatAsync(ct);
        }
        catch (Emx2NotFoundException)
        {
            log.Warn($"EMX2 does not know worker {WorkerId} any more; registering again");
            await RegisterAsync(ct);
        }
    }
}
