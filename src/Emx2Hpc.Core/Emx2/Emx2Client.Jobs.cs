using System.Globalization;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Core.Emx2;

public sealed partial class Emx2Client
{
    /// <summary>GET /api/hpc/jobs: one page. Status absent means PENDING on the server.</summary>
    public Task<PagedList<JobDto>> ListJobsPageAsync(JobQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return SendJsonAsync<PagedList<JobDto>>(new ApiRequest(HttpMethod.Get, JobsListPath(query, query.Limit, query.Offset)), ct,
            page => page.Items.Any(j => j is null || RequireJob(j) is not null) ? "job list with an invalid item" : null);
    }

    /// <summary>Every job matching <paramref name="query"/>, across all pages (the reference read only the
    /// first 100). <see cref="JobQuery.Limit"/> is the page size (default 100; 0 asks for everything at once);
    /// <see cref="JobQuery.Offset"/> is ignored.</summary>
    public Task<IReadOnlyList<JobDto>> ListAllJobsAsync(JobQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Pager.CollectAsync(query.Limit ?? ProtocolConstants.DefaultPageLimit,
            (limit, offset, c) => ListJobsPageAsync(query with { Limit = limit, Offset = offset }, c),
            j => j.Id, ct);
    }

    /// <summary>GET /api/hpc/jobs/{id}.</summary>
    public Task<JobDto> GetJobAsync(string jobId, CancellationToken ct = default) =>
        SendJsonAsync<JobDto>(new ApiRequest(HttpMethod.Get, PathBuilder.Api("jobs", jobId)), ct, RequireJob);

    /// <summary>POST /jobs/{id}/claim. Never repeated blindly (a lost response must not leave the job abandoned in CLAIMED): when the response is lost or the server
    /// fails, the job is re-read. CLAIMED by this worker means the claim took effect; still PENDING means it did
    /// not, and it is tried again; anything else is reported as a conflict.</summary>
    public async Task<JobDto> ClaimAsync(string jobId, CancellationToken ct = default)
    {
        var api = new ApiRequest(HttpMethod.Post, PathBuilder.Api("jobs", jobId, "claim"))
        {
            Body = JsonBody.From(new ClaimRequest { WorkerId = RequireWorkerId() }),
            Retry = RetryMode.UnsentOnly,
        };
        for (var round = 1; ; round++)
        {
            Emx2UnavailableException lost;
            try
            {
                return await SendAsync(api, async (response, attempt) =>
                {
                    var bytes = await ReadBodyAsync(api, response, attempt).ConfigureAwait(false);
                    var job = ParseBody<JobDto>(bytes, api, response, attempt, RequireJob);
                    // claimed_at is the server's "now" as well: keep the zone estimate fresh between registrations.
                    ServerClock.LearnOffset(job.ClaimedAt, response.Headers.Date);
                    return job;
                }, ct).ConfigureAwait(false);
            }
            catch (Emx2UnavailableException ex) when (ex.MayHaveReachedServer)
            {
                lost = ex;
            }
            catch (Emx2ConflictException ex) when (round > 1)
            {
                // An earlier unconfirmed claim may have landed after the job was re-read as PENDING.
                var again = await GetJobAsync(jobId, ct).ConfigureAwait(false);
                if (again.Status == JobStatus.Claimed && again.WorkerId == _options.WorkerId) return again;
                ex.AfterUnconfirmedAttempt = true;
                throw;
            }

            _log.Warn($"claim of job {jobId} unconfirmed ({lost.Detail ?? lost.Title}); re-reading the job",
                ("job_id", jobId), ("request_id", lost.RequestId));
            var current = await GetJobAsync(jobId, ct).ConfigureAwait(false);
            if (current.Status == JobStatus.Claimed && current.WorkerId == _options.WorkerId)
            {
                _log.Info($"claim of job {jobId} had succeeded; the response was lost", ("job_id", jobId));
                return current;
            }
            if (current.Status != JobStatus.Pending || round >= _options.MaxAttempts)
            {
                var detail = current.Status == JobStatus.Pending
                    ? $"Job {jobId} is still PENDING after {round} unconfirmed claim attempt(s)"
                    : $"Job {jobId} is not in PENDING status (current: {current.Status}, worker: {current.WorkerId ?? "none"}) after an unconfirmed claim";
                throw new Emx2ConflictException(
                    new Emx2ErrorInfo(lost.Method, lost.Path, 409, "Conflict", detail, lost.RequestId),
                    "claim response was lost; the job was re-read") { AfterUnconfirmedAttempt = true };
            }
            var delay = _retry.Backoff(round, null);
            if (delay > TimeSpan.Zero) await Task.Delay(delay, _options.Clock, ct).ConfigureAwait(false);
        }
    }

    /// <summary>POST /jobs/{id}/transition. Retried: the server absorbs an identical repeat (SERVER-SPEC §7.3).
    /// A null worker_id is filled with this client's.</summary>
    public Task<JobDto> TransitionAsync(string jobId, TransitionRequest request, CancellationToken ct = default) =>
        PostTransitionAsync(jobId, "transition", request, ct);

    /// <summary>POST /jobs/{id}/complete (terminal statuses only). Retried like transition. A 409 here means the
    /// job already sits in another terminal status; the caller reconciles instead of retrying forever.</summary>
    public Task<JobDto> CompleteAsync(string jobId, TransitionRequest request, CancellationToken ct = default) =>
        PostTransitionAsync(jobId, "complete", request, ct);

    private Task<JobDto> PostTransitionAsync(string jobId, string action, TransitionRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.WorkerId is null && !string.IsNullOrEmpty(_options.WorkerId)) request = request with { WorkerId = _options.WorkerId };
        return SendJsonAsync<JobDto>(new ApiRequest(HttpMethod.Post, PathBuilder.Api("jobs", jobId, action)) { Body = JsonBody.From(request) },
            ct, RequireJob);
    }

    /// <summary>POST /jobs/{id}/cancel. Retried: cancelling a CANCELLED job is a 200 no-op.</summary>
    public Task<JobDto> CancelJobAsync(string jobId, CancellationToken ct = default) =>
        SendJsonAsync<JobDto>(new ApiRequest(HttpMethod.Post, PathBuilder.Api("jobs", jobId, "cancel")), ct, RequireJob);

    /// <summary>DELETE /jobs/{id} (terminal jobs only). A 404 on a retry after a lost response counts as done.</summary>
    public Task DeleteJobAsync(string jobId, CancellationToken ct = default) =>
        DeleteIdempotentAsync(PathBuilder.Api("jobs", jobId), ct);

    /// <summary>POST /api/hpc/jobs (user token). Not repeated once it may have reached the server: a second POST
    /// would queue the job twice.</summary>
    public Task<CreatedJobDto> CreateJobAsync(CreateJobRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendJsonAsync<CreatedJobDto>(new ApiRequest(HttpMethod.Post, PathBuilder.Api("jobs"))
        {
            Body = JsonBody.From(request),
            Retry = RetryMode.UnsentOnly,
        }, ct, j => string.IsNullOrEmpty(j.Id) ? "created job without id" : null);
    }

    /// <summary>GET /jobs/{id}/transitions, oldest first (an unknown job yields an empty list, not 404).</summary>
    public async Task<IReadOnlyList<TransitionDto>> GetTransitionsAsync(string jobId, CancellationToken ct = default)
    {
        var list = await SendJsonAsync<ItemList<TransitionDto>>(
            new ApiRequest(HttpMethod.Get, PathBuilder.Api("jobs", jobId, "transitions")), ct).ConfigureAwait(false);
        return list.Items;
    }

    private static string JobsListPath(JobQuery query, int? limit, int? offset) =>
        PathBuilder.WithQuery(PathBuilder.Api("jobs"),
            ("status", query.Status), ("processor", query.Processor), ("profile", query.Profile),
            ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("offset", offset?.ToString(CultureInfo.InvariantCulture)));
}
