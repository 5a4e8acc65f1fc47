using Microsoft.Extensions.Hosting;

namespace Emx2Hpc.Emulator.Hosting;

/// <summary>Replaces the console lifetime: an emulator started inside a test host or the CLI's demo must not take
/// over that process's Ctrl-C/SIGTERM handling. The standalone program handles signals itself.</summary>
internal sealed class QuietHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
