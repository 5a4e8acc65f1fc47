using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Core.Emx2;

public sealed partial class Emx2Client
{
    /// <summary>Sends <paramref name="request"/> with retries and hands the successful response to
    /// <paramref name="onSuccess"/>, which runs inside the attempt: a connection lost while reading the body is
    /// retried like one lost before the headers. Failures become typed <see cref="Emx2ApiException"/>s; caller
    /// cancellation surfaces as <see cref="OperationCanceledException"/>.</summary>
    private async Task<T> SendAsync<T>(ApiRequest request, Func<HttpResponseMessage, Attempt, Task<T>> onSuccess, CancellationToken ct)
    {
        var unconfirmed = false;
        for (var attemptNumber = 1; ; attemptNumber++)
        {
            ct.ThrowIfCancellationRequested();
            var timeout = request.IsTransfer ? _options.TransferTimeout : _options.RequestTimeout;
            using var timeoutCts = new CancellationTokenSource(timeout, _options.Clock);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
            using var message = new HttpRequestMessage(request.Method, PathBuilder.Combine(_options.BaseUrl, request.PathAndQuery));
            Action touch = request.IsTransfer ? () => timeoutCts.CancelAfter(timeout) : () => { };
            if (request.Body is { } body)
                message.Content = body.CreateContent(sent => { touch(); request.UploadProgress?.Report(sent); });
            var requestId = _signer.Apply(message, request.Body?.Hash ?? BodyHash.Empty, request.Body?.ContentSha256);
            var path = message.RequestUri!.PathAndQuery;
            var attempt = new Attempt(requestId, path, linked.Token, touch);
            var canRetry = attemptNumber < _options.MaxAttempts && (request.CanRetry?.Invoke() ?? true);
            var started = _options.Clock.GetTimestamp();

            TimeSpan? retryAfter = null;
            string reason;
            bool mayHaveApplied;
            try
            {
                using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (response.Headers.Date is { } date) ServerClock.ObserveDate(date);
                LogAttempt(request, path, status.ToString(CultureInfo.InvariantCulture), started, requestId, attemptNumber);

                if (status is >= 200 and < 300 || (request.AcceptRedirect && status is >= 300 and < 400))
                    return await onSuccess(response, attempt).ConfigureAwait(false);

                var error = await CreateErrorAsync(request, response, attempt, attemptNumber).ConfigureAwait(false);
                error.AfterUnconfirmedAttempt = unconfirmed;
                canRetry = canRetry && request.Retry == RetryMode.Idempotent && (request.CanRetry?.Invoke() ?? true);
                if (!RetryPolicy.IsTransientStatus(status) || !canRetry) throw error;
                retryAfter = _retry.RetryAfter(response.Headers);
                reason = $"{status} {error.Title}";
                mayHaveApplied = true;
            }
            catch (Exception ex) when (FindLocalFileFailure(ex) is { } local)
            {
                // Reading the local file failed: not a network problem, never retried.
                ExceptionDispatchInfo.Throw(local);
                throw;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is OperationCanceledException || TransportFailure.IsTransport(ex))
            {
                // Our own per-attempt timer, or the handler's connect timeout (TaskCanceledException wrapping a
                // TimeoutException, raised before any byte of the request was written).
                var ownTimeout = ex is OperationCanceledException && timeoutCts.IsCancellationRequested;
                var connectTimeout = ex is OperationCanceledException && !ownTimeout && ex.InnerException is TimeoutException;
                var unsent = connectTimeout || (!ownTimeout && TransportFailure.ProvablyUnsent(ex));
                var what = ownTimeout
                    ? $"{(request.IsTransfer ? "no progress" : "no response")} within {timeout.TotalSeconds:0.###} s"
                    : connectTimeout ? "connect timed out: " + ex.Message : TransportFailure.Describe(ex);
                LogAttempt(request, path, what, started, requestId, attemptNumber);
                canRetry = canRetry && (unsent || request.Retry == RetryMode.Idempotent) && (request.CanRetry?.Invoke() ?? true);
                if (!canRetry)
                {
                    var hint = unsent || request.Retry == RetryMode.Idempotent
                        ? $"EMX2 at {_options.BaseUrl} unreachable after {attemptNumber} attempt(s)"
                        : $"EMX2 at {_options.BaseUrl}; not retried because the request may already have reached the server";
                    throw new Emx2UnavailableException(new Emx2ErrorInfo(request.Method.Method, path, null, null, what, requestId),
                        hint, mayHaveReachedServer: !unsent || unconfirmed, ex) { AfterUnconfirmedAttempt = unconfirmed };
                }
                reason = what;
                mayHaveApplied = !unsent;
            }

            unconfirmed |= mayHaveApplied;
            var delay = _retry.Backoff(attemptNumber, retryAfter);
            _log.Warn($"{request.Method.Method} {path} failed ({reason}); retry {attemptNumber + 1}/{_options.MaxAttempts} in {delay.TotalSeconds:0.###} s",
                ("method", request.Method.Method), ("path", path), ("attempt", attemptNumber), ("request_id", requestId), ("delay_ms", (long)delay.TotalMilliseconds));
            if (delay > TimeSpan.Zero) await Task.Delay(delay, _options.Clock, ct).ConfigureAwait(false);
        }
    }

    private void LogAttempt(ApiRequest request, string path, string outcome, long started, string requestId, int attempt)
    {
        if (!_log.IsEnabled(Diagnostics.LogLevel.Debug)) return;
        var elapsed = _options.Clock.GetElapsedTime(started);
        _log.Debug($"{request.Method.Method} {path} → {outcome} in {elapsed.TotalMilliseconds:0} ms",
            ("method", request.Method.Method), ("path", path), ("status", outcome),
            ("elapsed_ms", (long)elapsed.TotalMilliseconds), ("request_id", requestId), ("attempt", attempt));
    }

    private static Exception? FindLocalFileFailure(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is LocalFileException local) return local.InnerException ?? local;
        return null;
    }

    /// <summary>Maps a non-success response to the exception for its status (SERVER-SPEC §1.1 titles).</summary>
    private async Task<Emx2ApiException> CreateErrorAsync(ApiRequest request, HttpResponseMessage response, Attempt attempt, int attemptNumber)
    {
        var status = (int)response.StatusCode;
        var problem = await _problems.ReadAsync(response, attempt.Token).ConfigureAwait(false);
        var info = new Emx2ErrorInfo(request.Method.Method, attempt.PathAndQuery, status,
            problem.Title ?? ProblemDetail.TitleFor(status), problem.Detail, attempt.RequestId);
        return status switch
        {
            400 => new Emx2BadRequestException(info),
            401 => new Emx2AuthenticationException(info, response.Headers.Date is { } date ? date - _options.Clock.GetUtcNow() : null,
                hmacSigned: _options.AuthMode == Emx2AuthMode.Hmac),
            403 => new Emx2ForbiddenException(info),
            404 => new Emx2NotFoundException(info),
            409 => new Emx2ConflictException(info),
            413 => new Emx2PayloadTooLargeException(info),
            _ when RetryPolicy.IsTransientStatus(status) => new Emx2UnavailableException(info,
                $"EMX2 at {_options.BaseUrl} answered {status} on attempt {attemptNumber}", mayHaveReachedServer: true),
            >= 300 and < 400 => new Emx2ProtocolException(info,
                $"EMX2 redirected to {response.Headers.Location}; redirects are not followed — check the base URL (scheme, host, path prefix)"),
            _ when !problem.WasJson => new Emx2ProtocolException(info, "unexpected non-JSON response"),
            _ => new Emx2ApiException(info),
        };
    }

    // ---- JSON helpers used by the endpoint partials ----

    private Task<T> SendJsonAsync<T>(ApiRequest request, CancellationToken ct, Func<T, string?>? validate = null) where T : class =>
        SendAsync(request, async (response, attempt) =>
        {
            var bytes = await ReadBodyAsync(request, response, attempt).ConfigureAwait(false);
            return ParseBody(bytes, request, response, attempt, validate);
        }, ct);

    /// <summary>A successful response's body, at most <see cref="Emx2ClientOptions.MaxResponseBodyBytes"/>: refused by its
    /// Content-Length before reading, or as soon as more bytes arrive than the cap (chunked or lying servers).</summary>
    private async Task<byte[]> ReadBodyAsync(ApiRequest request, HttpResponseMessage response, Attempt attempt)
    {
        var max = _options.MaxResponseBodyBytes;
        Emx2ProtocolException TooLarge(string what) => new(new Emx2ErrorInfo(request.Method.Method, attempt.PathAndQuery,
                (int)response.StatusCode, response.ReasonPhrase ?? "OK", $"response body {what}, more than the {max} bytes accepted", attempt.RequestId),
            "EMX2 answered success with a body too large to be a protocol response");
        if (response.Content.Headers.ContentLength is { } declared && declared > max) throw TooLarge($"declares {declared} bytes");
        await using var stream = await response.Content.ReadAsStreamAsync(attempt.Token).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, attempt.Token).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max) throw TooLarge("exceeds the limit while streaming");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>For calls whose success carries nothing the caller needs (204 deletes).</summary>
    private Task SendNoContentAsync(ApiRequest request, CancellationToken ct) =>
        SendAsync(request, (_, _) => Task.FromResult(true), ct);

    private T ParseBody<T>(byte[] bytes, ApiRequest request, HttpResponseMessage response, Attempt attempt, Func<T, string?>? validate) where T : class
    {
        string problem;
        try
        {
            var value = bytes.Length == 0 ? null : JsonSerializer.Deserialize(bytes, JsonDefaults.Info<T>());
            problem = value is null ? "empty body" : validate?.Invoke(value) ?? "";
            if (problem.Length == 0) return value!;
        }
        catch (JsonException ex)
        {
            problem = $"not a valid {typeof(T).Name}: {ex.Message}";
        }
        var status = (int)response.StatusCode;
        var info = new Emx2ErrorInfo(request.Method.Method, attempt.PathAndQuery, status, response.ReasonPhrase ?? "OK",
            $"invalid response body ({problem}); body starts: {_problems.Snippet(bytes)}", attempt.RequestId);
        throw new Emx2ProtocolException(info, "EMX2 answered success with a body the client cannot use");
    }

    private static string? RequireJob(JobDto job) =>
        string.IsNullOrEmpty(job.Id) || string.IsNullOrEmpty(job.Status) ? "job without id or status" : null;

    private static string? RequireArtifact(ArtifactDto artifact) =>
        string.IsNullOrEmpty(artifact.Id) || string.IsNullOrEmpty(artifact.Status) ? "artifact without id or status" : null;
}
