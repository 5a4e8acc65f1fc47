using System.Diagnostics;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Tests.E2E.Support;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.E2E.Scenarios;

/// <summary>Takeover on the live cluster: the Python emx2-hpc-daemon submitted two jobs with real sbatch under its short
/// job names (one whose SUBMITTED report never left, one reported) and stopped; its tracker is imported and the
/// daemon finishes both with exactly the one Slurm job each already had.</summary>
public sealed class PythonTakeoverTests(E2EEnvironment env, ITestOutputHelper output) : E2ETest(env, output)
{
    [E2EFact]
    public Task Jobs_the_Python_daemon_left_in_Slurm_are_imported_and_finished_without_a_second_sbatch() => ScenarioAsync(async () =>
    {
        var register = await Daemon.CliAsync(["register"]);
        Assert.True(register.ExitCode == 0, register.ToString());
        var unreported = await Env.CreateJobAsync("bash");
        var reported = await Env.CreateJobAsync("bash");
        var rows = new List<(string Id, string Status, string? Slurm)>();
        var slurmIds = new Dictionary<string, string>();
        foreach (var job in new[] { unreported, reported })
        {
            await Env.Worker.ClaimAsync(job.Id);
            var slurmId = slurmIds[job.Id] = await SbatchAsPythonAsync(job.Id);
            // The unreported job has ended before the takeover looks (as it would after a long outage): it is gone
            // from squeue's default listing and perhaps not yet in sacct, and must still be found, not run again.
            if (job == unreported) await WaitUntilEndedAsync(slurmId);
            if (job == reported)
                await Env.Worker.TransitionAsync(job.Id, new TransitionRequest { Status = JobStatus.Submitted, SlurmJobId = slurmId, Detail = $"Slurm job {slurmId}" });
            rows.Add((job.Id, job == reported ? "SUBMITTED" : "CLAIMED", job == reported ? slurmId : null));
        }
        var tracker = Path.Combine(Env.Root, "python-state", "state.db");
        WriteTracker(tracker, rows);

        var import = await Daemon.CliAsync(["import-python-state", "--from", tracker, "--apply"]);
        Output.WriteLine(import.ToString());
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains("2 to import, 0 skipped, 0 refused; applied", import.Stdout);

        foreach (var job in new[] { unreported, reported })
        {
            var done = await Daemon.DriveJobUntilAsync(job.Id, ShortJob, Terminal);
            Assert.Equal(JobStatus.Completed, done.Status);
            Assert.NotNull(done.OutputArtifactId);
            Assert.Equal($"hello from {job.Id}\n", await Env.DownloadTextAsync(done.OutputArtifactId!, "greeting.txt"));
            // slurmdbd may lag behind the controller, and its first record of a fast job may still be named
            // "allocation": wait for the one job's final, named record before counting by name.
            await Slurm.WaitForSacctAsync(slurmIds[job.Id], r => r.BaseState == "COMPLETED" && r.JobName == "emx2-" + job.Id[..8],
                TimeSpan.FromSeconds(60));
            Assert.Single(await Slurm.SacctByNameAsync("emx2-" + job.Id[..8]));
            Assert.Empty(await Slurm.SacctByNameAsync("emx2-" + job.Id));
            Assert.Single(StatusPath(job.Id), s => s == JobStatus.Submitted);
        }
    });

    private async Task WaitUntilEndedAsync(string slurmId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await Slurm.SqueueStateAsync(slurmId) is { } state && state != "COMPLETED")
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Slurm job {slurmId} still {state} after 60 s");
            await Task.Delay(250);
        }
    }

    /// <summary>The batch script the Python daemon wrote for a host-entrypoint profile (REFERENCE-DAEMON §3.8): its
    /// short job name, no comment, logs in the job's output directory.</summary>
    private async Task<string> SbatchAsPythonAsync(string jobId)
    {
        var root = Env.JobDir(jobId);
        foreach (var dir in new[] { "input", "output", "work" }) Directory.CreateDirectory(Path.Combine(root, dir));
        var script = Path.Combine(root, "job.sbatch");
        const string parametersJson = "{}";
        await File.WriteAllTextAsync(script, $"""
            #!/bin/bash
            #SBATCH --job-name=emx2-{jobId[..8]}
            #SBATCH --partition={Env.Partition}
            #SBATCH --cpus-per-task=1
            #SBATCH --mem=256M
            #SBATCH --time=00:05:00
            #SBATCH --output={root}/output/slurm-%j.out
            #SBATCH --error={root}/output/slurm-%j.err
            set -euo pipefail
            export HPC_JOB_ID="{jobId}" HPC_INPUT_DIR="{root}/input" HPC_OUTPUT_DIR="{root}/output" HPC_WORK_DIR="{root}/work" HPC_PARAMETERS='{parametersJson}'
            exec {Path.Combine(Env.ScriptsDir, "e2e_job.sh")}
            """.Replace("\r", ""));
        using var sbatch = Process.Start(new ProcessStartInfo("sbatch", ["--parsable", script]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = await sbatch.StandardOutput.ReadToEndAsync();
        var stderr = await sbatch.StandardError.ReadToEndAsync();
        await sbatch.WaitForExitAsync();
        Assert.True(sbatch.ExitCode == 0, $"sbatch failed: {stderr}");
        return stdout.Trim().Split(';')[0];
    }

    /// <summary>The tracked_jobs table exactly as the Python daemon's schema has it (REFERENCE-DAEMON §3.4).</summary>
    private void WriteTracker(string path, IEnumerable<(string Id, string Status, string? Slurm)> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        SQLitePCL.Batteries_V2.Init();
        using (var db = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            db.Open();
            using var create = db.CreateCommand();
            create.CommandText = """
                PRAGMA journal_mode=WAL;
                CREATE TABLE tracked_jobs (emx2_job_id TEXT PRIMARY KEY, slurm_job_id TEXT, status TEXT NOT NULL DEFAULT 'CLAIMED',
                  work_dir TEXT, input_dir TEXT, output_dir TEXT, processor TEXT, profile TEXT, claimed_at REAL NOT NULL DEFAULT 0,
                  last_progress_hash TEXT, last_queue_report REAL NOT NULL DEFAULT 0, log_artifact_id TEXT, output_artifact_id TEXT,
                  completion_phase TEXT, submit_user TEXT, input_artifact_ids TEXT, parameters_hash TEXT, timeout_seconds INTEGER,
                  unknown_since REAL NOT NULL DEFAULT 0);
                """;
            create.ExecuteNonQuery();
            foreach (var (id, status, slurm) in rows)
            {
                using var insert = db.CreateCommand();
                insert.CommandText = "INSERT INTO tracked_jobs (emx2_job_id, slurm_job_id, status, work_dir, input_dir, output_dir, processor, profile, claimed_at) " +
                                     "VALUES ($id, $slurm, $status, $wd, $in, $out, 'e2e-test', 'bash', $at)";
                insert.Parameters.AddWithValue("$id", id);
                insert.Parameters.AddWithValue("$slurm", (object?)slurm ?? DBNull.Value);
                insert.Parameters.AddWithValue("$status", status);
                insert.Parameters.AddWithValue("$wd", Env.JobDir(id));
                insert.Parameters.AddWithValue("$in", Path.Combine(Env.JobDir(id), "input"));
                insert.Parameters.AddWithValue("$out", Path.Combine(Env.JobDir(id), "output"));
                insert.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
                insert.ExecuteNonQuery();
            }
            using var checkpoint = db.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
    }
}
