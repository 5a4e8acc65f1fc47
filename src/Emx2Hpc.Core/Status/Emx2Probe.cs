using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Core.Status;

/// <summary>The single EMX2 request `status` makes: a signed, read-only list of one pending job. It proves the
/// server answers and accepts this worker's credentials, and changes nothing (no claim, no heartbeat, no report).</summary>
internal static class Emx2Probe
{
    public static async Task<ServiceProbe> RunAsync(Emx2Client client, CancellationToken ct)
    {
        try
        {
            await client.ListJobsPageAsync(new JobQuery { Status = JobStatus.Pending, Limit = 1 }, ct);
            return new ServiceProbe("emx2", true, true, $"{client.BaseUrl} accepted worker {client.WorkerId}");
        }
        catch (Emx2AuthenticationException ex)
        {
            return new ServiceProbe("emx2", true, false, $"credentials refused: {ex.Message}");
        }
        catch (Emx2ForbiddenException ex)
        {
            return new ServiceProbe("emx2", true, false, $"authenticated but not allowed: {ex.Message}");
        }
        catch (Emx2UnavailableException ex)
        {
            return new ServiceProbe("emx2", false, null, ex.Message);
        }
        catch (Emx2ApiException ex)
        {
            return new ServiceProbe("emx2", true, null, ex.Message);
        }
        catch (HttpRequestException ex)
        {
            return new ServiceProbe("emx2", false, null, ex.Message);
        }
    }
}
