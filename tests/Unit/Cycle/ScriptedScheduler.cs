using System.Globalization;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Slurm;

namespace Emx2Hpc.Tests.Unit.Cycle;

/// <summary>A scheduler whose answers the test dictates. Jobs carry a Slurm state word set by the test
/// (<see cref="SetState"/>) and are described through the production Slurm state map, so "SUSPENDED",
/// "CANCELLED by 1000" or "TIMEOUT" mean here what they mean with real Slurm. Every call is recorded.</summary>
public sealed class ScriptedScheduler : IScheduler
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _jobs = new(StringComparer.Ordinal);
    private readonly List<BatchJobSpec> _submitted = [];
    private readonly List<string> _cancelled = [];
    private readonly List<IReadOnlyList<string>> _queries = [];
    private int _nextId = 1000;
    private int _listTaggedCalls;

    private sealed class Entry
    {
        public required string Emx2JobId { get; init; }
        public string State { get; set; } = "PENDING";
        public string? ExitCode { get; set; }
        public bool Hidden { get; set; }
    }

    /// <summary>Slurm proper: the settle time before a resubmission is the real one.</summary>
    public string Name => "slurm";

    /// <summary>When set, the next SubmitAsync throws it (once). A <see cref="SchedulerUnavailableException"/> can
    /// be combined with <see cref="SubmitThenFail"/> to model "sbatch ran but its answer was lost".</summary>
    public Exception? FailNextSubmit { get; set; }

    /// <summary>With <see cref="FailNextSubmit"/>: the job is created before the exception is thrown.</summary>
    public bool SubmitThenFail { get; set; }

    /// <summary>Every scheduler call throws SchedulerUnavailableException while true (slurmctld down).</summary>
    public bool Unavailable { get; set; }

    public IReadOnlyList<BatchJobSpec> Submitted { get { lock (_gate) return _submitted.ToList(); } }
    public IReadOnlyList<string> Cancelled { get { lock (_gate) return _cancelled.ToList(); } }
    public IReadOnlyList<IReadOnlyList<string>> Queries { get { lock (_gate) return _queries.ToList(); } }
    public int ListTaggedCalls { get { lock (_gate) return _listTaggedCalls; } }

    public int SubmissionsFor(string emx2JobId) { lock (_gate) return _submitted.Count(s => s.Emx2JobId == emx2JobId); }

    /// <summary>The scheduler id of the (last) submission of an EMX2 job.</summary>
    public string IdFor(string emx2JobId)
    {
        lock (_gate)
            return _jobs.Where(j => j.Value.Emx2JobId == emx2JobId).Select(j => j.Key).LastOrDefault()
                   ?? throw new InvalidOperationException($"job {emx2JobId} was never submitted");
    }

    public string? StateOf(string schedulerJobId) { lock (_gate) return _jobs.TryGetValue(schedulerJobId, out var e) ? e.State : null; }

    /// <summary>Sets the Slurm state word (and exit code) of a scheduler job.</summary>
    public void SetState(string schedulerJobId, string state, string? exitCode = null)
    {
        lock (_gate)
        {
            var entry = _jobs[schedulerJobId];
            entry.State = state;
            entry.ExitCode = exitCode;
        }
    }

    public void SetStateOf(string emx2JobId, string state, string? exitCode = null) => SetState(IdFor(emx2JobId), state, exitCode);

    /// <summary>The job vanishes from squeue and sacct (purged accounting, a lost controller state).</summary>
    public void Hide(string schedulerJobId, bool hidden = true) { lock (_gate) _jobs[schedulerJobId].Hidden = hidden; }

    /// <summary>A job that exists in the scheduler without having been submitted by this instance (e.g. a previous
    /// process submitted it before it crashed).</summary>
    public string AddExisting(string emx2JobId, string state = "RUNNING")
    {
        lock (_gate)
        {
            var id = (++_nextId).ToString(CultureInfo.InvariantCulture);
            _jobs[id] = new Entry { Emx2JobId = emx2JobId, State = state };
            return id;
        }
    }

    public Task<string> SubmitAsync(BatchJobSpec spec, CancellationToken ct)
    {
        lock (_gate)
        {
            if (Unavailable) throw new SchedulerUnavailableException("scripted: slurmctld is not responding");
            var fail = FailNextSubmit;
            FailNextSubmit = null;
            if (fail is not null && !SubmitThenFail) throw fail;
            var id = (++_nextId).ToString(CultureInfo.InvariantCulture);
            _jobs[id] = new Entry { Emx2JobId = spec.Emx2JobId };
            _submitted.Add(spec);
            if (fail is not null) throw fail;
            return Task.FromResult(id);
        }
    }

    public Task<IReadOnlyDictionary<string, SchedulerJobInfo>> QueryAsync(IReadOnlyCollection<string> schedulerJobIds, CancellationToken ct)
    {
        lock (_gate)
        {
            _queries.Add(schedulerJobIds.ToList());
            if (Unavailable) throw new SchedulerUnavailableException("scripted: slurmctld is not responding");
            var result = new Dictionary<string, SchedulerJobInfo>(StringComparer.Ordinal);
            foreach (var id in schedulerJobIds)
                if (_jobs.TryGetValue(id, out var entry) && !entry.Hidden) result[id] = Describe(id, entry);
            return Task.FromResult<IReadOnlyDictionary<string, SchedulerJobInfo>>(result);
        }
    }

    public Task<IReadOnlyList<SchedulerJobInfo>> ListTaggedAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            _listTaggedCalls++;
            if (Unavailable) throw new SchedulerUnavailableException("scripted: slurmctld is not responding");
            return Task.FromResult<IReadOnlyList<SchedulerJobInfo>>(
                _jobs.Where(j => !j.Value.Hidden).Select(j => Describe(j.Key, j.Value)).ToList());
        }
    }

    public Task CancelAsync(string schedulerJobId, CancellationToken ct)
    {
        lock (_gate)
        {
            if (Unavailable) throw new SchedulerUnavailableException("scripted: slurmctld is not responding");
            _cancelled.Add(schedulerJobId);
            if (_jobs.TryGetValue(schedulerJobId, out var entry) && entry.State is "PENDING" or "RUNNING" or "SUSPENDED")
                entry.State = "CANCELLED by 1000";
            return Task.CompletedTask;
        }
    }

    private static SchedulerJobInfo Describe(string id, Entry entry)
    {
        var live = entry.State is "PENDING" or "RUNNING" or "SUSPENDED" or "REQUEUED" or "CONFIGURING" or "COMPLETING";
        var row = new SlurmJobRow(id, entry.State, entry.ExitCode ?? (live ? null : "0:0"), "None", "node01", "00:00:05",
            JobTag.Comment(entry.Emx2JobId), JobTag.JobName(entry.Emx2JobId));
        return SlurmJobInfoFactory.Create(id, [row], live ? SlurmStateSource.Live : SlurmStateSource.Accounting)
               ?? throw new InvalidOperationException($"state {entry.State} could not be described");
    }
}
