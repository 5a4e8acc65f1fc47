using System.Text.RegularExpressions;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.State;

/// <summary>A tracked job changes phase in one place: only <c>Cycle/JobAdvancer</c> writes job rows (and it refuses
/// any change <c>JobLifecycle</c> does not list), so every stored phase change has passed the edge table. The
/// store's own files define the write; nothing else in Core may call it.</summary>
public sealed class JobRowWriterTests
{
    private static readonly Regex RowWrite = new(@"\bUpsert(Job)?\s*\(", RegexOptions.Compiled);

    private static readonly Regex SqlWrite = new(@"(INSERT\s+INTO|UPDATE|REPLACE\s+INTO)\s+tracked_jobs\b", RegexOptions.Compiled | RegexOptions.IgnoreCase);

    [Fact]
    public void Only_the_advancer_writes_tracked_job_rows()
    {
        // The store defines the write (StateStore.Jobs.cs) and its transaction handle passes it on (StateStore.cs).
        Assert.Equal(["Cycle/JobAdvancer.cs", "State/StateStore.Jobs.cs", "State/StateStore.cs"], CoreFilesMatching(RowWrite));
    }

    [Fact]
    public void Only_the_store_has_SQL_that_writes_tracked_job_rows()
    {
        Assert.Equal(["State/StateStore.Jobs.cs"], CoreFilesMatching(SqlWrite));
    }

    private static List<string> CoreFilesMatching(Regex pattern)
    {
        var core = Path.GetDirectoryName(SharedPaths.Find("src/Emx2Hpc.Core/Emx2Hpc.Core.csproj"))!;
        return Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(core, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal))
            .Where(f => File.ReadLines(Path.Combine(core, f)).Any(pattern.IsMatch))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
