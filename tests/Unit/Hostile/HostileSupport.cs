using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Slurm;
using Emx2Hpc.Core.Staging;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>A private temp tree with an "outside" area that hostile inputs try to reach. Snapshot/Changes prove
/// that nothing outside the allowed part of the tree was created, modified or followed.</summary>
internal sealed class HostileRoot : IDisposable
{
    public HostileRoot()
    {
        Path = Directory.CreateTempSubdirectory("emx2hpc-hostile-").FullName;
        Outside = Combine("outside");
        Directory.CreateDirectory(Outside);
        SecretFile = WriteFile("outside/secret.txt", CanaryText);
        Directory.CreateDirectory(Combine("outside/dir"));
        WriteFile("outside/dir/inner-secret.txt", CanaryText);
    }

    /// <summary>Bytes that must never be uploaded, read or copied by the product.</summary>
    public const string CanaryText = "CANARY-d2f1c0b7-THIS-MUST-NEVER-LEAVE-THE-CLUSTER";

    public string Path { get; }
    public string Outside { get; }
    public string SecretFile { get; }

    public string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    public string WriteFile(string relative, string content)
    {
        var full = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    /// <summary>Every entry below the root (files, links, directories), relative with '/' separators, mapped to a
    /// fingerprint of what it is: "d" for a directory, "l:&lt;target&gt;" for a link (never followed), else the
    /// SHA-256 of a regular file's content.</summary>
    public IReadOnlyDictionary<string, string> Snapshot() => Snapshot(Path);

    public static IReadOnlyDictionary<string, string> Snapshot(string root)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var entry in Directory.EnumerateFileSystemEntries(dir, "*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = false }))
            {
                var relative = System.IO.Path.GetRelativePath(root, entry).Replace('\\', '/');
                switch (FileKindProbe.Of(entry))
                {
                    case FileKind.Directory:
                        result[relative] = "d";
                        pending.Push(entry);
                        break;
                    case FileKind.Symlink:
                        result[relative] = "l:" + new FileInfo(entry).LinkTarget;
                        break;
                    case FileKind.Regular:
                        using (var stream = File.OpenRead(entry)) result[relative] = Convert.ToHexStringLower(SHA256.HashData(stream));
                        break;
                    default:
                        result[relative] = "special";
                        break;
                }
            }
        }
        return result;
    }

    /// <summary>Entries added, removed or changed between two snapshots.</summary>
    public static IReadOnlyList<string> Changes(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) =>
        before.Keys.Union(after.Keys, StringComparer.Ordinal)
            .Where(k => !before.TryGetValue(k, out var b) || !after.TryGetValue(k, out var a) || a != b)
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>Asserts that every change between the snapshots lies at or below one of the allowed prefixes.</summary>
    public static void AssertChangesOnlyUnder(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after,
        params string[] allowedPrefixes)
    {
        var stray = Changes(before, after)
            .Where(c => !allowedPrefixes.Any(p => c == p.TrimEnd('/') || c.StartsWith(p.TrimEnd('/') + "/", StringComparison.Ordinal)))
            .ToList();
        Assert.True(stray.Count == 0, "changes outside the allowed area: " + string.Join(", ", stray.Select(s => PathSafety.Describe(s, 80))));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // .NET cannot name files whose names are not UTF-8 (some cases create them); rm can.
            try
            {
                using var rm = System.Diagnostics.Process.Start("rm", ["-rf", "--", Path]);
                rm?.WaitForExit(10_000);
            }
            catch (System.ComponentModel.Win32Exception) { /* best effort */ }
        }
    }
}

/// <summary>/tmp/pwned-&lt;guid&gt;: a file an injected command would create. Removed on dispose, asserted absent.</summary>
internal sealed class Canary : IDisposable
{
    public string Path { get; } = $"/tmp/pwned-{Guid.NewGuid():N}";
    public bool Exists => File.Exists(Path) || Directory.Exists(Path);

    public void AssertUntouched() => Assert.False(Exists, $"injected command ran: {Path} exists");

    public void Dispose()
    {
        try { File.Delete(Path); } catch (IOException) { }
    }
}

/// <summary>In-memory artifact API whose file rows may carry any path at all (a compromised or buggy server),
/// unlike the emulator, which enforces the server's own path rules.</summary>
internal sealed class HostileArtifactStore : IArtifactStore
{
    private readonly Dictionary<string, ArtifactDto> _artifacts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(ArtifactFileDto Row, byte[] Content)>> _files = new(StringComparer.Ordinal);

    public List<string> Downloads { get; } = [];

    public string AddManaged(params (string Path, string Content)[] files)
    {
        var id = Guid.NewGuid().ToString();
        var rows = files.Select(f =>
        {
            var bytes = Encoding.UTF8.GetBytes(f.Content);
            return (new ArtifactFileDto { Id = Guid.NewGuid().ToString(), Path = f.Path, Sha256 = Sha(bytes), SizeBytes = bytes.Length }, bytes);
        }).ToList();
        _files[id] = rows;
        _artifacts[id] = new ArtifactDto
        {
            Id = id, Residence = ArtifactResidence.Managed, Status = ArtifactStatus.Committed,
            Sha256 = rows.Count == 0 ? null : TreeHash.Compute(rows.Select(r => (r.Item1.Path, r.Item1.Sha256!))),
        };
        return id;
    }

    public string AddPosix(string contentUrl, string? sha256 = null)
    {
        var id = Guid.NewGuid().ToString();
        _artifacts[id] = new ArtifactDto { Id = id, Residence = ArtifactResidence.Posix, Status = ArtifactStatus.Committed, ContentUrl = contentUrl, Sha256 = sha256 };
        _files[id] = [];
        return id;
    }

    public static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Serves different bytes than the listing declares (size and hash stay as listed).</summary>
    public void ServeInstead(string artifactId, int index, byte[] content)
    {
        var list = _files[artifactId];
        list[index] = (list[index].Row, content);
    }

    public Task<ArtifactDto> GetArtifactAsync(string artifactId, CancellationToken ct) => Task.FromResult(_artifacts[artifactId]);

    public Task<IReadOnlyList<ArtifactFileDto>> ListAllFilesAsync(string artifactId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ArtifactFileDto>>(_files[artifactId].Select(f => f.Row).ToList());

    public async Task<DownloadedFile> DownloadFileAsync(string artifactId, string path, Stream destination, CancellationToken ct)
    {
        Downloads.Add(path);
        var file = _files[artifactId].First(f => f.Row.Path == path);
        await destination.WriteAsync(file.Content, ct);
        return new DownloadedFile(file.Row.Sha256, file.Content.Length);
    }
}

/// <summary>A scheduler that records every call. By default it submits nothing and reports jobs COMPLETED on the
/// first query; <see cref="OnSubmit"/> lets a test act as the workload (write outputs, plant links).</summary>
internal sealed class RecordingScheduler : IScheduler
{
    private readonly List<BatchJobSpec> _submitted = [];
    private readonly Dictionary<string, BatchJobSpec> _byId = new(StringComparer.Ordinal);

    public string Name => "recording";
    public int Calls { get; private set; }
    public IReadOnlyList<BatchJobSpec> Submitted { get { lock (_submitted) return _submitted.ToList(); } }
    public Action<BatchJobSpec>? OnSubmit { get; init; }
    public string Outcome { get; init; } = "COMPLETED";
    public int Submits { get; private set; }

    public Task<string> SubmitAsync(BatchJobSpec spec, CancellationToken ct)
    {
        Calls++;
        Submits++;
        BatchScriptBuilder.Build(spec); // what the real scheduler would refuse, this one refuses too
        spec.Directories.Create();
        OnSubmit?.Invoke(spec);
        var id = (1000 + _byId.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        lock (_submitted) _submitted.Add(spec);
        _byId[id] = spec;
        return Task.FromResult(id);
    }

    public Task<IReadOnlyDictionary<string, SchedulerJobInfo>> QueryAsync(IReadOnlyCollection<string> schedulerJobIds, CancellationToken ct)
    {
        Calls++;
        var result = new Dictionary<string, SchedulerJobInfo>(StringComparer.Ordinal);
        foreach (var id in schedulerJobIds)
            if (_byId.TryGetValue(id, out var spec))
                result[id] = new SchedulerJobInfo
                {
                    SchedulerJobId = id, Emx2JobId = spec.Emx2JobId, RawState = Outcome,
                    State = Outcome switch { "COMPLETED" => SchedulerState.Completed, "RUNNING" => SchedulerState.Running, _ => SchedulerState.Failed },
                    ExitCode = "0:0",
                };
        return Task.FromResult<IReadOnlyDictionary<string, SchedulerJobInfo>>(result);
    }

    public Task<IReadOnlyList<SchedulerJobInfo>> ListTaggedAsync(CancellationToken ct)
    {
        Calls++;
        return Task.FromResult<IReadOnlyList<SchedulerJobInfo>>([]);
    }

    public Task CancelAsync(string schedulerJobId, CancellationToken ct)
    {
        Calls++;
        return Task.CompletedTask;
    }
}

/// <summary>Answers every request from a function (a misbehaving server or proxy); records request targets.</summary>
internal sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
{
    public List<string> Requests { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Requests) Requests.Add($"{request.Method} {request.RequestUri!.PathAndQuery}");
        return Task.FromResult(answer(request));
    }

    public static HttpResponseMessage Bytes(int status, byte[] body, string contentType)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new ByteArrayContent(body) };
        response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return response;
    }

    public static HttpResponseMessage Text(int status, string body, string contentType = "application/json") =>
        Bytes(status, Encoding.UTF8.GetBytes(body), contentType);
}

/// <summary>Sits between the real client and the emulator: rewrites chosen responses (what a compromised server
/// or a broken proxy would send) and records the credentials that went over the wire.</summary>
internal sealed class TamperingHandler() : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
{
    public Func<HttpRequestMessage, HttpResponseMessage, Task<HttpResponseMessage>>? Rewrite { get; set; }
    public List<string> Authorizations { get; } = [];
    public List<string> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Requests)
        {
            Requests.Add($"{request.Method} {request.RequestUri!.PathAndQuery}");
            if (request.Headers.TryGetValues("Authorization", out var values)) Authorizations.AddRange(values);
        }
        var response = await base.SendAsync(request, cancellationToken);
        return Rewrite is null ? response : await Rewrite(request, response);
    }
}

internal static class Hostile
{
    /// <summary>Runs blocking work on a pool thread and fails the test if it does not finish in time (a FIFO read
    /// would otherwise hang the whole run).</summary>
    public static async Task<T> WithinAsync<T>(TimeSpan limit, Func<T> work, string what)
    {
        var task = Task.Run(work);
        var finished = await Task.WhenAny(task, Task.Delay(limit));
        Assert.True(finished == task, $"{what} did not finish within {limit.TotalSeconds:0.#} s");
        return await task;
    }

    public static async Task<T> WithinAsync<T>(TimeSpan limit, Func<Task<T>> work, string what)
    {
        var task = Task.Run(work);
        var finished = await Task.WhenAny(task, Task.Delay(limit));
        Assert.True(finished == task, $"{what} did not finish within {limit.TotalSeconds:0.#} s");
        return await task;
    }

    public static void Fifo(string path)
    {
        if (mkfifo(path, Convert.ToUInt32("600", 8)) != 0)
            throw new IOException($"mkfifo failed (errno {Marshal.GetLastPInvokeError()})");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    /// <summary>Asserts the exception message names each fragment (ordinal, case-sensitive).</summary>
    public static void AssertNames(Exception ex, params string[] fragments)
    {
        foreach (var fragment in fragments)
            Assert.True(ex.Message.Contains(fragment, StringComparison.Ordinal),
                $"error does not name '{fragment}': {ex.GetType().Name}: {ex.Message}");
    }
}
