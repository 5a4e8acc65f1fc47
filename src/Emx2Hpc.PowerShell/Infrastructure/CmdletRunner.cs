using System.Collections.Concurrent;
using System.Diagnostics;
using System.Management.Automation;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Operations;

namespace Emx2Hpc.PowerShell.Infrastructure;

/// <summary>Runs one asynchronous Core call for a cmdlet. PowerShell allows Write* only on the pipeline thread,
/// while Core logs and reports progress from whatever thread its awaits resume on. So Core writes into a queue,
/// and the pipeline thread blocks on the call while draining that queue into WriteVerbose/WriteWarning/WriteDebug
/// and Write-Progress. Ctrl-C (StopProcessing) cancels the call's token; the runner still waits for Core to wind
/// down, so a stopped cmdlet never leaves half-finished work running in the background.</summary>
internal sealed class CmdletRunner : IDisposable
{
    // Progress can arrive thousands of times per second during a transfer; the console needs a few per second.
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    private readonly ConcurrentQueue<LogEvent> _events = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly CancellationTokenSource _stop = new();
    private readonly Redactor _redactor = new();
    private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();
    private static int _lastActivityId;
    // Distinct per runner, so two transferring cmdlets in one pipeline get two progress bars.
    private readonly int _activityId = Interlocked.Increment(ref _lastActivityId);
    private TransferProgress? _pendingProgress;
    private ProgressRecord? _shownProgress;

    public CmdletRunner()
    {
        LogSink = new QueueSink(this);
        Progress = new LatestProgress(this);
    }

    /// <summary>Handed to Core as <see cref="WorkerSessionOptions.LogSink"/>; safe to call from any thread.</summary>
    public ILogSink LogSink { get; }

    /// <summary>Handed to Core transfers; keeps only the newest report, which supersedes older ones.</summary>
    public IProgress<TransferProgress> Progress { get; }

    /// <summary>Masks a secret the cmdlet knows (a -Token) in every relayed message.</summary>
    public void Redact(string? secret) => _redactor.Add(secret);

    /// <summary>Called from StopProcessing, i.e. from another thread.</summary>
    public void Stop()
    {
        _stop.Cancel();
        _wake.Set();
    }

    /// <summary>Runs <paramref name="operation"/> to completion on the thread pool, relaying its logs and progress.
    /// Throws <see cref="PipelineStoppedException"/> if the pipeline was stopped while it ran.</summary>
    public T Run<T>(Cmdlet cmdlet, Func<CancellationToken, Task<T>> operation)
    {
        // Task.Run: Core's synchronous prefix (hashing, SQLite) must not hold the pipeline thread away from draining.
        var task = Task.Run(() => operation(_stop.Token));
        // Wait for the continuation rather than the task, so the wake-up never fires after Dispose.
        var finished = task.ContinueWith(_ => _wake.Set(), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        var writable = true;
        while (!finished.IsCompleted)
        {
            _wake.WaitOne(ProgressInterval);
            writable = writable && TryFlush(cmdlet, final: false);
        }
        if (writable) writable = TryFlush(cmdlet, final: true);

        if (!writable || _stop.IsCancellationRequested)
        {
            _ = task.Exception; // observed: nothing can be reported on a stopping pipeline
            throw new PipelineStoppedException();
        }
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Writes what has been queued so far (used after synchronous Core calls such as opening a session).</summary>
    public void Flush(Cmdlet cmdlet) => TryFlush(cmdlet, final: true);

    public void Dispose()
    {
        _wake.Dispose();
        _stop.Dispose();
    }

    // Returns false once the pipeline refuses writes (it is stopping): Core is then cancelled and merely awaited.
    private bool TryFlush(Cmdlet cmdlet, bool final)
    {
        try
        {
            while (_events.TryDequeue(out var e)) Write(cmdlet, e);
            WriteProgress(cmdlet, final);
            return true;
        }
        catch (PipelineStoppedException)
        {
            _stop.Cancel();
            return false;
        }
    }

    private void Write(Cmdlet cmdlet, LogEvent e)
    {
        var text = _redactor.Apply(LogText(e));
        switch (e.Level)
        {
            case LogLevel.Debug: cmdlet.WriteDebug(text); break;
            case LogLevel.Information: cmdlet.WriteVerbose(text); break;
            // Core errors that reach the log are ones it handled (the cycle carries on); failures of the call
            // itself arrive as exceptions and become ErrorRecords, so a log line must not also be an error.
            default: cmdlet.WriteWarning(text); break;
        }
    }

    private static string LogText(LogEvent e)
    {
        var fields = string.Join(' ', e.Fields.Where(f => f.Value is not null).Select(f => $"{f.Key}={f.Value}"));
        var text = fields.Length == 0 ? $"{e.Source}: {e.Message}" : $"{e.Source}: {e.Message} [{fields}]";
        return e.Exception is null ? text : $"{text} ({e.Exception.Message})";
    }

    private void WriteProgress(Cmdlet cmdlet, bool final)
    {
        if (final || _sinceProgress.Elapsed >= ProgressInterval)
        {
            if (Interlocked.Exchange(ref _pendingProgress, null) is { } p)
            {
                _shownProgress = ToRecord(p);
                cmdlet.WriteProgress(_shownProgress);
                _sinceProgress.Restart();
            }
        }
        if (final && _shownProgress is { } shown)
        {
            // A new record: hosts that keep the records (PowerShell.Streams.Progress) hold the one written last, and
            // changing its RecordType would rewrite that history.
            cmdlet.WriteProgress(new ProgressRecord(shown.ActivityId, shown.Activity, shown.StatusDescription)
            {
                CurrentOperation = shown.CurrentOperation,
                PercentComplete = shown.PercentComplete,
                RecordType = ProgressRecordType.Completed,
            });
            _shownProgress = null;
        }
    }

    private ProgressRecord ToRecord(TransferProgress p)
    {
        var activity = string.IsNullOrWhiteSpace(p.Activity) ? "Transfer" : p.Activity;
        var status = $"{p.FilesDone}/{p.FilesTotal} files, {p.BytesDone:N0}/{p.BytesTotal:N0} bytes";
        return new ProgressRecord(_activityId, activity, status)
        {
            CurrentOperation = p.CurrentFile,
            PercentComplete = p.BytesTotal > 0 ? (int)Math.Clamp(p.BytesDone * 100 / p.BytesTotal, 0, 100) : -1,
        };
    }

    private sealed class QueueSink(CmdletRunner runner) : ILogSink
    {
        public void Write(LogEvent e)
        {
            runner._events.Enqueue(e);
            // Core may log while the session is disposed at pipeline end, after the runner's last drain.
            try { runner._wake.Set(); }
            catch (ObjectDisposedException) { }
        }
    }

    private sealed class LatestProgress(CmdletRunner runner) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => Volatile.Write(ref runner._pendingProgress, value);
    }
}
