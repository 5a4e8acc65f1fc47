using Emx2Hpc.Emulator.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Emx2Hpc.Emulator.Faults;

/// <summary>Applies the fault plan to requests (matched on the method and the raw path as sent).</summary>
internal sealed class FaultMiddleware(FaultInjector injector)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var rule = injector.Decide(context.Request.Method, HpcCall.RawPath(context));
        if (rule is null)
        {
            await next(context);
            return;
        }
        switch (rule.Action)
        {
            case FaultAction.ServiceUnavailable:
                await ProblemWriter.WriteAsync(context, 503, "Service temporarily unavailable (fault injected by the emulator)");
                return;
            case FaultAction.Timeout:
                try
                {
                    await Task.Delay(rule.DelayMs, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The client gave up first, which is the point of this fault.
                }
                context.Abort();
                return;
            case FaultAction.Refuse:
                context.Abort();
                return;
            case FaultAction.DropBefore:
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
                context.Abort();
                return;
            case FaultAction.DropAfterCommit:
                await RunThenDropAsync(context, next);
                return;
        }
    }

    /// <summary>Runs the handler against a buffer instead of the connection, so nothing (not even the status line)
    /// reaches the client before the connection is dropped.</summary>
    private static async Task RunThenDropAsync(HttpContext context, RequestDelegate next)
    {
        var original = context.Response.Body;
        await using var swallowed = new MemoryStream();
        context.Response.Body = swallowed;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
            context.Abort();
        }
    }
}
