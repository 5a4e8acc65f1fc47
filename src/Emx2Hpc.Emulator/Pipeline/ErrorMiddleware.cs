using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Model;
using Microsoft.AspNetCore.Http;

namespace Emx2Hpc.Emulator.Pipeline;

/// <summary>Turns handler failures into problem+json (SERVER-SPEC §1.1): HpcProblemException carries its status;
/// anything unexpected is a 500 that points at the request id, and its details go to stderr.</summary>
internal sealed class ErrorMiddleware(TextWriter errorLog)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (HpcProblemException problem) when (!context.Response.HasStarted)
        {
            await ProblemWriter.WriteAsync(context, problem.Status, problem.Detail, problem.Title);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or a fault dropped it); nobody is left to answer.
        }
        catch (BadHttpRequestException bad) when (!context.Response.HasStarted)
        {
            await ProblemWriter.WriteAsync(context, bad.StatusCode, bad.Message);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            var requestId = context.Request.Headers[ProtocolHeaders.RequestId].ToString();
            lock (errorLog) errorLog.WriteLine($"emx2-hpc-emulator: {context.Request.Method} {context.Request.Path} (request {requestId}) failed: {ex}");
            await ProblemWriter.WriteAsync(context, 500,
                $"Internal error processing request; check server logs with request id {requestId}");
        }
    }
}
