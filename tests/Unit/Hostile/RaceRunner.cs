using System.Diagnostics;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>What a race left: how often the attacker's move ran while the worker was attempting, and how long it took.</summary>
internal sealed record RaceResult(long Moves, TimeSpan Elapsed);

/// <summary>The shape of every race in the hostile suite: an attacker repeats one move (flip a file to a link, exchange
/// a directory with one) on another thread, as fast as it can, while the worker makes <c>attempts</c> attempts (a
/// staging, a collection) that each check their own outcome. The attacker stops, and its failures surface, even when
/// an attempt fails.</summary>
internal static class RaceRunner
{
    public static async Task<RaceResult> RunAsync(int attempts, Action move, Func<Task> attempt)
    {
        using var stop = new CancellationTokenSource();
        long moves = 0;
        var attacker = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                move();
                Interlocked.Increment(ref moves);
            }
        });
        var watch = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < attempts; i++) await attempt();
        }
        finally
        {
            await stop.CancelAsync();
            await attacker;
        }
        return new RaceResult(Interlocked.Read(ref moves), watch.Elapsed);
    }
}
