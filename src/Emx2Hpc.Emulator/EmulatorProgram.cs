using System.Runtime.InteropServices;

namespace Emx2Hpc.Emulator;

/// <summary>The standalone process: parse, start, announce, wait for Ctrl-C/SIGTERM, stop.
/// Exit codes: 0 stopped cleanly (or --help), 1 could not start, 2 bad command line.</summary>
public static class EmulatorProgram
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        var parsed = EmulatorCommandLine.Parse(args);
        if (parsed.HelpRequested)
        {
            await stdout.WriteAsync(EmulatorCommandLine.Usage);
            await stdout.WriteLineAsync();
            return 0;
        }
        if (parsed.Options is not { } options)
        {
            await stderr.WriteLineAsync($"emx2-hpc-emulator: {parsed.Error}");
            await stderr.WriteLineAsync("Run 'emx2-hpc-emulator --help' for usage.");
            return 2;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true; // we stop ourselves, cleanly
            stop.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        EmulatorServer server;
        try
        {
            server = await EmulatorServer.StartAsync(options, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ArgumentException or FormatException
                                       or Microsoft.Data.Sqlite.SqliteException)
        {
            await stderr.WriteLineAsync($"emx2-hpc-emulator: cannot start: {ex.Message}");
            return 1;
        }

        await using (server)
        {
            await stdout.WriteLineAsync($"listening on {server.BaseUrl.GetLeftPart(UriPartial.Authority)}");
            await stdout.FlushAsync(CancellationToken.None);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C, SIGTERM or the caller's token: fall through to a clean stop.
            }
        }
        return 0;
    }
}
