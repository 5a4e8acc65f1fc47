using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Registers the worker with one capability per configured profile. Registration is an upsert that
/// also refreshes the heartbeat, so cron mode registers every cycle; the long-running daemon heartbeats and
/// re-registers when EMX2 has forgotten it (404).</summary>
public sealed class WorkerRegistration(CycleContext ctx)
{
    public IReadOnlyList<CapabilityDto> Capabilities() =>
        ctx.Config.Profiles
            .Select(p => new CapabilityDto { Processor = p.Processor, Profile = p.Profile, MaxConcurrentJobs = ctx.Config.Worker.MaxConcurrentJobs })
            .ToList();

    public async Task<WorkerRegistrationDto> RegisterAsync(CancellationToken ct)
    {
        var result = await ctx.Client.RegisterWorkerAsync(new RegisterWorkerRequest
        {
            WorkerId = ctx.WorkerId,
            Hostname = Environment.MachineName,
            Capabilities = Capabilities(),
        }, ct);
        ctx.Log.Debug($"registered worker {ctx.WorkerId} with {ctx.Config.Profiles.Count} capabilities");
        return result;
    }

    public async Task HeartbeatAsync(CancellationToken ct)
    {
        try
        {
            await ctx.Client.HeartbeatAsync(ct);
        }
        catch (Emx2NotFoundException)
        {
            ctx.Log.Warn($"EMX2 does not know worker {ctx.WorkerId} any more; registering again");
            await RegisterAsync(ct);
        }
    }
}
