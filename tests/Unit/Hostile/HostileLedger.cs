using System.Collections.Concurrent;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>What the product did with one hostile input.</summary>
public enum Verdict
{
    /// <summary>Refused with an error that names what was wrong.</summary>
    Refused,

    /// <summary>Accepted, but provably kept inside its job directory / profile (e.g. a unicode lookalike name that
    /// becomes one literal file inside input/&lt;id&gt;/, or a shell metacharacter that reaches argv verbatim).</summary>
    Contained,
}

/// <summary>Counts every hostile case the suite runs, so the result can be quoted as one line:
/// <c>hostile cases: N, refused: R, contained: C, escaped: E</c>. A case whose assertions fail counts as
/// escaped (the hostile input got through, or the error was not clear) and the test fails.</summary>
public static class HostileLedger
{
    private sealed record Entry(string Area, Verdict? Verdict, string? Failure);

    private static readonly ConcurrentDictionary<string, Entry> Entries = new(StringComparer.Ordinal);

    public static async Task RunAsync(string area, string name, Func<Task<Verdict>> body)
    {
        var key = $"{area}/{name}";
        try
        {
            var verdict = await body();
            Entries[key] = new Entry(area, verdict, null);
        }
        catch (Exception ex)
        {
            Entries[key] = new Entry(area, null, ex.GetType().Name + ": " + FirstLine(ex.Message));
            throw;
        }
    }

    public static void Run(string area, string name, Func<Verdict> body) =>
        RunAsync(area, name, () => Task.FromResult(body())).GetAwaiter().GetResult();

    public static string SummaryLine()
    {
        var all = Entries.Values.ToList();
        return $"hostile cases: {all.Count}, refused: {all.Count(e => e.Verdict == Verdict.Refused)}, " +
               $"contained: {all.Count(e => e.Verdict == Verdict.Contained)}, escaped: {all.Count(e => e.Verdict is null)}";
    }

    public static IReadOnlyList<string> Report()
    {
        var lines = new List<string> { SummaryLine() };
        foreach (var group in Entries.OrderBy(e => e.Key, StringComparer.Ordinal).GroupBy(e => e.Value.Area))
        {
            var list = group.ToList();
            lines.Add($"  {group.Key}: {list.Count} cases, refused {list.Count(e => e.Value.Verdict == Verdict.Refused)}, " +
                      $"contained {list.Count(e => e.Value.Verdict == Verdict.Contained)}, escaped {list.Count(e => e.Value.Verdict is null)}");
            foreach (var (key, entry) in list.Where(e => e.Value.Verdict is null))
                lines.Add($"    ESCAPED {key}: {entry.Failure}");
        }
        return lines;
    }

    private static string FirstLine(string text)
    {
        var i = text.IndexOf('\n');
        return i < 0 ? text : text[..i];
    }
}

/// <summary>Every hostile test class joins this collection: they run one after another (several of them start
/// emulators or child processes and the build machine has two cores), and the collection fixture writes the
/// summary once all of them have finished.</summary>
[CollectionDefinition(Name)]
public sealed class HostileCollection : ICollectionFixture<HostileSummary>
{
    public const string Name = "Hostile inputs";
}

/// <summary>Writes <c>out/hostile/summary.txt</c> (repository root) and prints the summary line when the
/// hostile collection is done.</summary>
public sealed class HostileSummary(Xunit.Abstractions.IMessageSink sink) : IDisposable
{
    public void Dispose()
    {
        var report = HostileLedger.Report();
        var text = string.Join(Environment.NewLine, report) + Environment.NewLine;
        Console.WriteLine(report[0]);
        sink.OnMessage(new Xunit.Sdk.DiagnosticMessage(report[0]));
        try
        {
            var dir = Path.Combine(RepositoryRoot(), "out", "hostile");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "summary.txt"), text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"could not write hostile summary: {e.Message}");
        }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Emx2Hpc.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
