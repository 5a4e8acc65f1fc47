using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Core.Checks;

/// <summary>Talks to EMX2 the way the daemon will: health (no auth), a signed list call (auth and role), and
/// the clock skew observed from the server's Date header against the ±300 s HMAC window. 401 and 403 are
/// told apart (the Python daemon treated them alike) because the fixes differ: credentials or clock vs. the worker's role.</summary>
public static class RemoteChecks
{
    public static async Task<IReadOnlyList<CheckResult>> RunAsync(Emx2Client client, CancellationToken ct)
    {
        var results = new List<CheckResult>();
        try
        {
            var health = await client.HealthAsync(ct);
            var enabled = health.HpcEnabled is false ? " but HPC is disabled (MOLGENIS_HPC_ENABLED)" : "";
            results.Add(new CheckResult("emx2 reachable", health.HpcEnabled is false ? CheckStatus.Fail : CheckStatus.Pass,
                $"{client.BaseUrl} answers (status {health.Status}, api {health.ApiVersion}){enabled}"));
            if (health.ApiVersion != ProtocolConstants.ApiVersion)
                results.Add(new CheckResult("api version", CheckStatus.Fail, $"server speaks {health.ApiVersion}, this worker {ProtocolConstants.ApiVersion}"));
        }
        catch (Emx2ApiException ex)
        {
            results.Add(new CheckResult("emx2 reachable", CheckStatus.Fail, ex.Message));
            return results;
        }

        try
        {
            await client.ListJobsPageAsync(new JobQuery { Status = JobStatus.Pending, Limit = 1 }, ct);
            results.Add(new CheckResult("emx2 auth", CheckStatus.Pass, $"signed request accepted for worker {client.WorkerId}"));
        }
        catch (Emx2AuthenticationException ex)
        {
            results.Add(new CheckResult("emx2 auth", CheckStatus.Fail, ex.Message));
        }
        catch (Emx2ForbiddenException ex)
        {
            results.Add(new CheckResult("emx2 auth", CheckStatus.Fail, $"authenticated but not allowed: {ex.Message}"));
        }
        catch (Emx2ApiException ex)
        {
            results.Add(new CheckResult("emx2 auth", CheckStatus.Fail, ex.Message));
        }

        results.Add(ClockSkew(client.ServerClock.Skew));
        return results;
    }

    public static CheckResult ClockSkew(TimeSpan? skew)
    {
        if (skew is not { } s) return new CheckResult("clock skew", CheckStatus.Warn, "server sent no Date header; skew unknown");
        var seconds = Math.Abs(s.TotalSeconds);
        var text = $"local clock is {seconds:0} s {(s > TimeSpan.Zero ? "behind" : "ahead of")} the server (HMAC allows ±{ProtocolConstants.HmacClockWindowSeconds} s)";
        var status = seconds > ProtocolConstants.HmacClockWindowSeconds ? CheckStatus.Fail : seconds > 30 ? CheckStatus.Warn : CheckStatus.Pass;
        return new CheckResult("clock skew", status, status == CheckStatus.Pass ? text : $"{text}: fix NTP/chrony");
    }
}
