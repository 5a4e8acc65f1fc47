using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Core.Emx2;

public sealed partial class Emx2Client
{
    /// <summary>GET /api/hpc/health (no auth needed; works while HPC is disabled).</summary>
    public Task<HealthDto> HealthAsync(CancellationToken ct = default) =>
        SendJsonAsync<HealthDto>(new ApiRequest(HttpMethod.Get, PathBuilder.Api("health")), ct);

    /// <summary>POST /workers/register: an upsert that replaces the capability list, so it is retried. The
    /// response's last_heartbeat_at is the server's "now" and teaches <see cref="ServerClock"/> the server zone.
    /// A blank worker id in the request is filled with this client's.</summary>
    public Task<WorkerRegistrationDto> RegisterWorkerAsync(RegisterWorkerRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.WorkerId)) request = request with { WorkerId = _options.WorkerId };
        var api = new ApiRequest(HttpMethod.Post, PathBuilder.Api("workers", "register")) { Body = JsonBody.From(request) };
        return SendAsync(api, async (response, attempt) =>
        {
            var bytes = await ReadBodyAsync(api, response, attempt).ConfigureAwait(false);
            var registration = ParseBody<WorkerRegistrationDto>(bytes, api, response, attempt, null);
            ServerClock.LearnOffset(registration.LastHeartbeatAt, response.Headers.Date);
            return registration;
        }, ct);
    }

    /// <summary>POST /workers/{id}/heartbeat for this client's worker id (retried: it only bumps a timestamp).</summary>
    public Task<HeartbeatDto> HeartbeatAsync(CancellationToken ct = default) =>
        SendJsonAsync<HeartbeatDto>(new ApiRequest(HttpMethod.Post, PathBuilder.Api("workers", RequireWorkerId(), "heartbeat")), ct);

    /// <summary>DELETE /workers/{id} (user token with Manager role only). A 404 on a retry after a lost response
    /// counts as done.</summary>
    public Task DeleteWorkerAsync(string workerId, CancellationToken ct = default) =>
        DeleteIdempotentAsync(PathBuilder.Api("workers", workerId), ct);

    private string RequireWorkerId() =>
        string.IsNullOrEmpty(_options.WorkerId)
            ? throw new InvalidOperationException("This call needs a worker id; set Emx2ClientOptions.WorkerId.")
            : _options.WorkerId;

    /// <summary>DELETE with retries where a 404 after an unconfirmed attempt means the earlier attempt won.</summary>
    private async Task DeleteIdempotentAsync(string path, CancellationToken ct)
    {
        try
        {
            await SendNoContentAsync(new ApiRequest(HttpMethod.Delete, path), ct).ConfigureAwait(false);
        }
        catch (Emx2NotFoundException ex) when (ex.AfterUnconfirmedAttempt)
        {
            _log.Info($"DELETE {ex.Path} answered 404 after an unconfirmed attempt; the earlier attempt deleted it",
                ("path", ex.Path), ("request_id", ex.RequestId));
        }
    }
}
