using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Emx2Hpc.Bench.Cycle;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Scheduling.Slurm;
using Emx2Hpc.Emulator;

// emx2-hpc-cycle-bench: what one cron cycle costs once N jobs are running, product vs. reference daemon.
//
// Product: measured. The real CycleRunner runs against the in-process emulator with SlurmCli over FakeSlurm (every
// command counted and charged the same wall time). After the cycle that claims and submits the N jobs, the next
// cycles are steady state: nothing changes, so the cycle is pure overhead — registration, reconciliation, poll and
// the monitor pass. Requests are counted by the emulator, commands by FakeSlurm.
//
// Reference: its documented algorithm (REFERENCE-DAEMON §1 `once`, §3.3, §3.5, §3.11, §7 item 30), replayed call by
// call against the same emulator and the same FakeSlurm so both sides pay the same price per request and command:
//   register 1 POST; recovery 3 GETs (CLAIMED/SUBMITTED/STARTED, one page); poll 1 GET per capability;
//   monitor: 1 GET /jobs/{id} per tracked job (cancellation check, §3.11 step 1), then per job `squeue -j ID`
//   (§3.9), plus `sacct -j ID` for a job squeue no longer shows, plus a second squeue per SUBMITTED job for the
//   queue report (§3.11 step 3, every cron cycle per §7 item 31).
var ns = new List<int> { 1, 10, 100 };
TimeSpan? commandCost = null;
var samples = 5;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--n": ns = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList(); break;
        case "--command-ms": commandCost = TimeSpan.FromMilliseconds(double.Parse(args[++i], CultureInfo.InvariantCulture)); break;
        case "--samples": samples = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "-h" or "--help":
            Console.WriteLine("usage: emx2-hpc-cycle-bench [--n 1,10,100] [--command-ms MS] [--samples 5]");
            return 0;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}");
            return 2;
    }
}

var (cost, costSource) = commandCost is { } given ? (given, "--command-ms") : await CommandCost.MeasureAsync();
Console.WriteLine($"scheduler command cost: {cost.TotalMilliseconds:0.0} ms per squeue/sacct/sbatch call ({costSource})");
Console.WriteLine($"steady-state cycle (all N jobs RUNNING, nothing to report), median of {samples} cycles; reference replayed with the same costs");
Console.WriteLine();

var rows = new List<Row>();
foreach (var n in ns) rows.Add(await Bench.RunAsync(n, cost, samples));

var table = new StringBuilder();
table.AppendLine("   N | HTTP requests/cycle      | squeue+sacct per pass            | cycle wall time (ms)      | ref. monitor pass alone");
table.AppendLine("     | product  reference ratio | product  ref(run) ref(end) ratio | product  reference ratio  | ms    vs product cycle");
foreach (var r in rows)
    table.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"{r.N,4} | {r.ProductHttp,7}  {r.ReferenceHttp,9} {Ratio(r.ReferenceHttp, r.ProductHttp),5} | {r.ProductCommands,7}  {r.ReferenceCommandsRunning,8} {r.ReferenceCommandsFinished,8} {Ratio(r.ReferenceCommandsRunning, r.ProductCommands),5} | {r.ProductMs,7:0}  {r.ReferenceMs,9:0} {Ratio(r.ReferenceMs, r.ProductMs),5}  | {r.ReferenceMonitorMs,5:0} {Ratio(r.ReferenceMonitorMs, r.ProductMs),5}"));
Console.Write(table.ToString());
Console.WriteLine();
Console.WriteLine("ref(run): reference commands for N running jobs (one squeue -j each); ref(end): the pass in which they all");
Console.WriteLine("finished (squeue -j, then sacct -j, each). The product's pass is one squeue -u plus one sacct -j for the ids");
Console.WriteLine("squeue no longer shows, whatever N. The last column times only the reference's monitor pass (N GETs and N");
Console.WriteLine("squeue -j) against the product's whole cycle, monitor pass included. Product requests per endpoint (last N):");
foreach (var (endpoint, count) in rows[^1].ProductByEndpoint.OrderByDescending(e => e.Value)) Console.WriteLine($"  {count,4}  {endpoint}");

var outDir = Path.Combine(RepoRoot(), "bench", "results");
Directory.CreateDirectory(outDir);
var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
await File.WriteAllTextAsync(Path.Combine(outDir, $"cycle-{stamp}.txt"),
    $"command cost {cost.TotalMilliseconds:0.0} ms ({costSource}), {samples} samples\n" + table);
Console.WriteLine($"\nwritten to bench/results/cycle-{stamp}.txt");
return 0;

static string Ratio(double reference, double product) =>
    product <= 0 ? "   -" : (reference / product).ToString(reference / product >= 10 ? "0" : "0.0", CultureInfo.InvariantCulture) + "x";

static string RepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Emx2Hpc.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}

internal sealed record Row(int N, int ProductHttp, int ReferenceHttp, int ProductCommands, int ReferenceCommandsRunning,
    int ReferenceCommandsFinished, double ProductMs, double ReferenceMs, double ReferenceMonitorMs, IReadOnlyDictionary<string, int> ProductByEndpoint);

internal static class Bench
{
    private const string WorkerId = "bench-worker";
    private const string Processor = "bench";
    private const string Profile = "p";
    private const string EditorToken = "bench-editor";

    public static async Task<Row> RunAsync(int n, TimeSpan cost, int samples)
    {
        var root = Directory.CreateTempSubdirectory("emx2-cycle-bench-").FullName;
        try
        {
            var secret = "bench-secret-" + Guid.NewGuid().ToString("N");
            var options = new EmulatorOptions();
            options.WorkerSecrets[WorkerId] = secret;
            options.UserTokens[EditorToken] = UserRole.Editor;
            await using var server = await EmulatorServer.StartAsync(options);
            using var editor = new Emx2Client(new Emx2ClientOptions { BaseUrl = server.BaseUrl, Secret = EditorToken, AuthMode = Emx2AuthMode.Token });
            for (var i = 0; i < n; i++)
                await editor.CreateJobAsync(new CreateJobRequest { Processor = Processor, Profile = Profile, Parameters = JsonSerializer.SerializeToElement(new { args = new[] { "x" } }) });

            var config = WriteConfig(root, server.BaseUrl, secret, n);
            var slurm = new FakeSlurm(cost);
            using var runner = new CycleRunner(config, new CycleRunnerOptions { Scheduler = new SlurmCli(slurm, new SlurmCliOptions { User = "bench" }) }, HpcLog.Null);
            await runner.RunOnceAsync(); // claims, submits, sees them RUNNING, reports STARTED
            await runner.RunOnceAsync(); // settles anything left over
            var running = server.ListJobs().Count(j => j.Status == JobStatus.Started);
            if (running != n) throw new InvalidOperationException($"expected {n} STARTED jobs after two cycles, found {running}");

            var productMs = new List<double>();
            int productHttp = 0, productCommands = 0;
            IReadOnlyDictionary<string, int> byEndpoint = new Dictionary<string, int>();
            for (var s = 0; s < samples; s++)
            {
                server.RequestLog.Reset();
                slurm.ResetCounts();
                var watch = Stopwatch.StartNew();
                var report = await runner.RunOnceAsync();
                watch.Stop();
                if (report.Errors.Count > 0) throw new InvalidOperationException(string.Join("; ", report.Errors));
                productMs.Add(watch.Elapsed.TotalMilliseconds);
                productHttp = server.RequestLog.Total;
                productCommands = slurm.TotalCalls;
                byEndpoint = server.RequestLog.Snapshot();
            }

            // The reference's cron cycle, replayed with the worker's own signed client.
            using var worker = new Emx2Client(new Emx2ClientOptions { BaseUrl = server.BaseUrl, Secret = secret, WorkerId = WorkerId });
            var tracked = server.ListJobs().Where(j => j.Status == JobStatus.Started).Select(j => (j.Id, j.SlurmJobId!)).ToList();
            var referenceMs = new List<double>();
            var referenceMonitorMs = new List<double>();
            var referenceHttp = 0;
            for (var s = 0; s < samples; s++)
            {
                server.RequestLog.Reset();
                slurm.ResetCounts();
                var watch = Stopwatch.StartNew();
                await worker.RegisterWorkerAsync(new RegisterWorkerRequest
                {
                    WorkerId = WorkerId, Hostname = Environment.MachineName,
                    Capabilities = [new CapabilityDto { Processor = Processor, Profile = Profile, MaxConcurrentJobs = n + 10 }],
                });
                foreach (var status in new[] { JobStatus.Claimed, JobStatus.Submitted, JobStatus.Started })
                    await worker.ListJobsPageAsync(new JobQuery { Status = status });
                await worker.ListJobsPageAsync(new JobQuery { Status = JobStatus.Pending, Processor = Processor, Profile = Profile });
                var monitor = Stopwatch.StartNew();
                foreach (var (id, _) in tracked) await worker.GetJobAsync(id); // §3.11 step 1: cancellation check
                foreach (var (_, slurmId) in tracked) await slurm.ReferenceStatusQueryAsync(slurmId, CancellationToken.None); // step 4
                monitor.Stop();
                watch.Stop();
                referenceMs.Add(watch.Elapsed.TotalMilliseconds);
                referenceMonitorMs.Add(monitor.Elapsed.TotalMilliseconds);
                referenceHttp = server.RequestLog.Total;
            }

            Console.WriteLine($"N={n}: product {Median(productMs):0} ms/cycle, reference replay {Median(referenceMs):0} ms/cycle");
            return new Row(n, productHttp, referenceHttp, productCommands, ReferenceCommands(running: n), ReferenceCommands(finished: n),
                Median(productMs), Median(referenceMs), Median(referenceMonitorMs), byEndpoint);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>REFERENCE-DAEMON §3.9/§3.11: squeue -j per tracked job with a Slurm id; sacct -j as well when squeue no
    /// longer shows it; one more squeue per SUBMITTED job for the queue report.</summary>
    private static int ReferenceCommands(int running = 0, int finished = 0, int submitted = 0) => running + 2 * finished + 2 * submitted;

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static HpcConfig WriteConfig(string root, Uri baseUrl, string secret, int n)
    {
        var secretPath = Path.Combine(root, "secret");
        File.WriteAllText(secretPath, secret + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(secretPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var yaml = $"""
            emx2:
              base_url: "{baseUrl}"
              worker_id: {WorkerId}
              worker_secret_file: secret
            worker:
              max_concurrent_jobs: {n + 10}
              state_db: "{Path.Combine(root, "state", "state.db")}"
            profiles:
              "{Processor}:{Profile}":
                host_entrypoint: /bin/true
                partition: debug
                cpus: 1
                time: "00:10:00"
            apptainer:
              tmp_dir: "{Path.Combine(root, "jobs")}"
            """;
        var path = Path.Combine(root, "config.yaml");
        File.WriteAllText(path, yaml);
        return HpcConfigLoader.LoadFile(path);
    }
}

/// <summary>What one squeue costs on this machine: the median of a few real `squeue -h -u USER` runs when Slurm is
/// installed and answering, else a conservative 10 ms.</summary>
internal static class CommandCost
{
    public static async Task<(TimeSpan, string)> MeasureAsync()
    {
        var times = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            try
            {
                var start = new ProcessStartInfo("squeue", ["-h", "-u", Environment.UserName, "-o", "%i"])
                {
                    RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                };
                var watch = Stopwatch.StartNew();
                using var p = Process.Start(start)!;
                await p.StandardOutput.ReadToEndAsync();
                await p.StandardError.ReadToEndAsync();
                await p.WaitForExitAsync();
                if (p.ExitCode != 0) break;
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            catch (System.ComponentModel.Win32Exception)
            {
                break;
            }
        }
        return times.Count >= 3
            ? (TimeSpan.FromMilliseconds(times.Order().ElementAt(times.Count / 2)), $"median of {times.Count} real squeue calls on this machine")
            : (TimeSpan.FromMilliseconds(10), "default: no working squeue here");
    }
}
