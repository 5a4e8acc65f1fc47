using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Model;
using Microsoft.AspNetCore.Http;

namespace Emx2Hpc.Emulator.Pipeline;

/// <summary>The server's before-handler for /api/hpc/* (SERVER-SPEC §2), in its exact order: 503 disabled → 400
/// header format → 401 authentication → 403 privilege → 400 X-Worker-Id. Errors before authentication carry no
/// "instance" (the server creates them without a request id).
///
/// Which requests it guards is decided by what routing chose, not by comparing path text: ASP.NET routing matches
/// case-insensitively, so a prefix test on the path let <c>GET /Api/Hpc/jobs</c> reach the jobs handler without
/// credentials. Every endpoint carrying a <see cref="RouteAccess"/> is guarded, and so is any path under /api/hpc in
/// any letter case that matched nothing; only endpoints marked <see cref="PublicEndpoint"/> (health) skip it.</summary>
internal sealed class GateMiddleware(EmulatorSettings settings, HmacAuthenticator hmac, UserTokenRegistry tokens)
{
    public const string HealthPath = ProtocolConstants.BasePath + "/health";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value ?? "";
        var endpoint = context.GetEndpoint();
        var guarded = endpoint?.Metadata.GetMetadata<RouteAccess>() is not null || IsHpcPath(path);
        if (!guarded || endpoint?.Metadata.GetMetadata<PublicEndpoint>() is not null)
        {
            await next(context);
            return;
        }
        if (!settings.Enabled)
        {
            settings.Initialized = false;
            await ProblemWriter.WriteAsync(context, 503,
                "HPC is disabled — set MOLGENIS_HPC_ENABLED=true on _SYSTEM_ to enable the HPC API", withInstance: false);
            return;
        }
        settings.Initialized = true;
        if (HeaderValidator.Validate(context.Request.Headers) is { } headerError)
        {
            await ProblemWriter.WriteAsync(context, 400, headerError, withInstance: false);
            return;
        }
        var auth = await AuthenticateAsync(context);
        if (auth.Principal is not { } principal)
        {
            await ProblemWriter.WriteAsync(context, auth.Status, auth.Detail!);
            return;
        }
        var access = context.GetEndpoint()?.Metadata.GetMetadata<RouteAccess>() ?? RouteAccess.Viewer;
        if (principal.IsWorker && access.UserOnly)
        {
            await ProblemWriter.WriteAsync(context, 403, "Worker principal is not allowed on credential-management endpoints");
            return;
        }
        if (!principal.IsWorker && principal.Role < access.MinimumRole)
        {
            await ProblemWriter.WriteAsync(context, 403, $"Requires {access.MinimumRole} privilege on HPC resources");
            return;
        }
        var workerHeader = context.Request.Headers[ProtocolHeaders.WorkerId].ToString();
        if (access.RequiresWorkerId && string.IsNullOrWhiteSpace(workerHeader))
        {
            await ProblemWriter.WriteAsync(context, 400, $"Missing required header: {ProtocolHeaders.WorkerId}");
            return;
        }
        context.Features.Set(new HpcCall
        {
            Principal = principal,
            WorkerIdHeader = string.IsNullOrWhiteSpace(workerHeader) ? null : workerHeader,
        });
        await next(context);
    }

    /// <summary>Case-insensitive, as routing is.</summary>
    public static bool IsHpcPath(string path) =>
        path.StartsWith(ProtocolConstants.BasePath + "/", StringComparison.OrdinalIgnoreCase)
        || string.Equals(path, ProtocolConstants.BasePath, StringComparison.OrdinalIgnoreCase);

    /// <summary>First match wins, no fallback (SERVER-SPEC §4.1): Authorization → HMAC, else x-molgenis-token.</summary>
    private async Task<AuthOutcome> AuthenticateAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!string.IsNullOrWhiteSpace(authorization)) return await hmac.AuthenticateAsync(context, authorization);
        var token = context.Request.Headers[ProtocolHeaders.MolgenisToken].ToString();
        if (!string.IsNullOrWhiteSpace(token))
        {
            return tokens.TryResolve(token, out var user, out var role)
                ? AuthOutcome.Success(HpcPrincipal.User(user, role))
                : AuthOutcome.Unauthorized($"JWT auth failed at {HpcCall.RawPath(context)}: Invalid token or token expired");
        }
        return AuthOutcome.Unauthorized("Missing authentication: provide Authorization (HMAC), x-molgenis-token, or sign in");
    }
}
