using System.Diagnostics;
using Emx2Hpc.Core.Scheduling;

namespace Emx2Hpc.Core.Metrics;

/// <summary>Counts and times every scheduler operation by outcome: ok, rejected (the scheduler said no), unavailable
/// (it could not be asked) or error. Wraps any <see cref="IScheduler"/>, so Slurm and the simulated one are measured alike.</summary>
public sealed class MeasuredScheduler(IScheduler inner, WorkerMetrics metrics) : IScheduler
{
    public IScheduler Inner => inner;
    public string Name => inner.Name;
    public TimeSpan SubmitSettleTime => inner.SubmitSettleTime;

    public Task<string> SubmitAsync(BatchJobSpec spec, CancellationToken ct) => Measure("submit", () => inner.SubmitAsync(spec, ct));

    public Task<IReadOnlyDictionary<string, SchedulerJobInfo>> QueryAsync(IReadOnlyCollection<string> schedulerJobIds, CancellationToken ct) =>
        Measure("query", () => inner.QueryAsync(schedulerJobIds, ct));

    public Task<IReadOnlyList<SchedulerJobInfo>> ListTaggedAsync(CancellationToken ct) => Measure("list_tagged", () => inner.ListTaggedAsync(ct));

    public Task CancelAsync(string schedulerJobId, CancellationToken ct) =>
        Measure("cancel", async () => { await inner.CancelAsync(schedulerJobId, ct).ConfigureAwait(false); return true; });

    private async Task<T> Measure<T>(string command, Func<Task<T>> call)
    {
        var watch = Stopwatch.StartNew();
        var outcome = "error";
        try
        {
            var result = await call().ConfigureAwait(false);
            outcome = "ok";
            return result;
        }
        catch (SchedulerUnavailableException)
        {
            outcome = "unavailable";
            throw;
        }
        catch (SchedulerException)
        {
            outcome = "rejected";
            throw;
        }
        finally
        {
            metrics.SchedulerCommands.WithLabels(command, outcome).Inc();
            metrics.SchedulerCommandDuration.WithLabels(command).Observe(watch.Elapsed.TotalSeconds);
        }
    }
}
