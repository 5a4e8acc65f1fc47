using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>Prints a containment test's figures (iterations, flips, escapes, elapsed) to the test output and appends
/// them to <c>out/hostile/containment.txt</c> (repository root), next to the hostile summary.</summary>
internal static class ContainmentFigures
{
    private static readonly object Gate = new();

    public static void Print(ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
        lock (Gate)
        {
            try
            {
                var dir = Path.Combine(HostileSummary.RepositoryRoot(), "out", "hostile");
                Directory.CreateDirectory(dir);
                File.AppendAllText(Path.Combine(dir, "containment.txt"), $"{DateTimeOffset.UtcNow:O} {line}{Environment.NewLine}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // figures are informational; the assertions decide
            }
        }
    }
}
