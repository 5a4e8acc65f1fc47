using Emx2Hpc.Emulator.Endpoints;
using Emx2Hpc.Emulator.Faults;
using Emx2Hpc.Emulator.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Emx2Hpc.Emulator.Hosting;

/// <summary>Builds the Kestrel app: middleware order and endpoint table.</summary>
internal static class EmulatorApp
{
    public static WebApplication Build(EmulatorComponents c, string listenUrl)
    {
        // The empty builder reads no appsettings, environment variables or command line: the emulator's behaviour
        // depends on EmulatorOptions alone.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(EmulatorApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            // Upload limits are the server's own (413 problem bodies), not Kestrel's 30 MB default.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.AddServerHeader = false;
        });
        builder.WebHost.UseUrls(listenUrl);
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<IHostLifetime, QuietHostLifetime>();

        var app = builder.Build();
        var log = new RequestLogMiddleware(c.RequestLog);
        var faults = new FaultMiddleware(c.Faults);
        var errors = new ErrorMiddleware(c.ErrorLog);
        var gate = new GateMiddleware(c.Settings, c.Hmac, c.Tokens);

        // Order matters: raw path before routing (so routing sees ".." segments), the request log and faults see
        // every request, the trace id is on every answer, and the gate runs inside the error handler.
        // The Date header comes from the emulator's clock, not Kestrel's: SetClock simulates a server whose clock is
        // off, and clients measure skew from Date (the ±300 s HMAC window diagnostics).
        app.Use((context, next) =>
        {
            context.Response.Headers.Date = c.Clock.Now.UtcDateTime.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            return next(context);
        });
        app.Use(RawPathMiddleware.InvokeAsync);
        app.UseRouting();
        app.Use(log.InvokeAsync);
        app.Use(faults.InvokeAsync);
        app.Use(TraceIdMiddleware.InvokeAsync);
        app.Use(errors.InvokeAsync);
        app.Use(gate.InvokeAsync);

        HealthEndpoints.Map(app, c.Settings, c.Database);
        WorkersEndpoints.Map(app, c.Workers);
        CredentialsEndpoints.Map(app, c.Credentials);
        JobsEndpoints.Map(app, c.Jobs);
        JobLifecycleEndpoints.Map(app, c.Jobs, c.Claims, c.Transitions);
        ArtifactsEndpoints.Map(app, c.Artifacts);
        ArtifactFilesEndpoints.Map(app, c.Files, c.Settings);
        FallbackEndpoints.Map(app);
        return app;
    }
}
