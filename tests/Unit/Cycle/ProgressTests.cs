using Emx2Hpc.Core.Protocol;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

public sealed class ProgressTests(ITestOutputHelper output)
{
    private static async Task<(CycleHarness H, string Id, string File)> RunningJobAsync(ITestOutputHelper output)
    {
        var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        h.Scripted.SetStateOf(id, "RUNNING");
        await h.RunCycleAsync();
        Assert.Equal(JobStatus.Started, h.Job(id).Status);
        return (h, id, Path.Combine(h.Dirs(id).Output, ".hpc_progress.jsonl"));
    }

    private static List<(string? Phase, string? Message, double? Progress, string? Detail)> ProgressRows(CycleHarness h, string id) =>
        h.Transitions(id).Where(t => t.FromStatus == JobStatus.Started && t.ToStatus == JobStatus.Started)
            .Select(t => (t.Phase, t.Message, t.Progress, t.Detail)).ToList();

    private static int ProgressPosts(CycleHarness h, string id) => h.Sent.Count(r => r.Path == $"/api/hpc/jobs/{id}/transition");

    [Fact]
    public async Task Each_new_line_is_relayed_once_and_an_unchanged_file_is_not_posted_again()
    {
        var (h, id, file) = await RunningJobAsync(output);
        await using var _ = h;
        h.ClearSent();

        File.AppendAllText(file, "{\"phase\":\"load\",\"message\":\"loading model\",\"progress\":0.1}\n");
        await h.RunCycleAsync();
        await h.RunCycleAsync();
        File.AppendAllText(file, "{\"phase\":\"embed\",\"message\":\"batch 3 of 10\",\"progress\":0.3}\n");
        await h.RunCycleAsync();
        await h.RunCycleAsync();

        Assert.Equal(
            [("load", "loading model", 0.1, "progress: load; loading model; 10%"), ("embed", "batch 3 of 10", 0.3, "progress: embed; batch 3 of 10; 30%")],
            ProgressRows(h, id));
        Assert.Equal(2, ProgressPosts(h, id));
        var job = h.Job(id);
        Assert.Equal(("embed", "batch 3 of 10", 0.3), (job.Phase, job.Message, job.Progress));
        Assert.Equal(new FileInfo(file).Length, h.Store.GetJob(id)!.ProgressOffset);
    }

    [Fact]
    public async Task A_new_process_does_not_post_the_same_line_again()
    {
        var (h, id, file) = await RunningJobAsync(output);
        await using var _ = h;
        File.AppendAllText(file, "{\"phase\":\"load\",\"progress\":0.5}\n");
        await h.RunCycleAsync();
        Assert.Single(ProgressRows(h, id));
        h.ClearSent();

        for (var i = 0; i < 3; i++)
        {
            h.Restart(); // cron: every cycle is a new process
            await h.RunCycleAsync();
        }

        Assert.Equal(0, ProgressPosts(h, id));
        Assert.Single(ProgressRows(h, id));

        // Rewriting the same content (a workload that re-writes the file) is recognised by its fingerprint.
        File.WriteAllText(file, "{\"phase\":\"load\",\"progress\":0.5}\n");
        h.Restart();
        await h.RunCycleAsync();
        Assert.Equal(0, ProgressPosts(h, id));
    }

    [Fact]
    public async Task Garbage_lines_are_ignored_and_values_are_sanitised()
    {
        var (h, id, file) = await RunningJobAsync(output);
        await using var _ = h;
        h.ClearSent();

        File.AppendAllText(file, "not json at all\n{\"phase\":\"broken\"\n[1,2,3]\n{\"unknown\":\"key\"}\n\n");
        await h.RunCycleAsync();
        Assert.Equal(0, ProgressPosts(h, id));
        Assert.Empty(ProgressRows(h, id));

        File.AppendAllText(file, $"{{\"phase\":\"{new string('p', 150)}\",\"progress\":1.7,\"extra\":true}}\n");
        await h.RunCycleAsync();

        var row = Assert.Single(ProgressRows(h, id));
        Assert.Equal(new string('p', 100), row.Phase);
        Assert.Equal(1.0, row.Progress);
        Assert.Null(row.Message);
        Assert.Equal(JobStatus.Started, h.Job(id).Status);
    }

    [Fact]
    public async Task Several_lines_written_between_two_cycles_relay_only_the_newest()
    {
        var (h, id, file) = await RunningJobAsync(output);
        await using var _ = h;

        File.AppendAllText(file, "{\"progress\":0.2}\n{\"progress\":0.4}\n{\"progress\":0.6}\n");
        await h.RunCycleAsync();

        Assert.Equal([(null, null, 0.6, "progress: 60%")], ProgressRows(h, id));
    }
}
