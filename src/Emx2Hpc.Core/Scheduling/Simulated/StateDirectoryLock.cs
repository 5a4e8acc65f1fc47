namespace Emx2Hpc.Core.Scheduling.Simulated;

/// <summary>Exclusive lock on a state directory, shared by every process using it (cron `once` runs may overlap).
/// Opening the lock file with FileShare.None takes an exclusive advisory lock (flock on Unix), which the kernel
/// releases if the process dies, so a crash never leaves the directory locked.</summary>
internal sealed class StateDirectoryLock : IDisposable
{
    private readonly FileStream _stream;

    private StateDirectoryLock(FileStream stream) => _stream = stream;

    public static async Task<StateDirectoryLock> AcquireAsync(string directory, TimeSpan timeout, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, ".lock");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new StateDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(Random.Shared.Next(5, 30), ct).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new SchedulerUnavailableException($"simulated scheduler state {directory} stayed locked for {timeout.TotalSeconds:0.#} s", ex);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
