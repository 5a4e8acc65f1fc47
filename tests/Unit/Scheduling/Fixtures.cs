namespace Emx2Hpc.Tests.Unit.Scheduling;

/// <summary>Reads captured scheduler output from tests/Unit/Fixtures/slurm (found by walking up from the test
/// binaries, so the project file needs no copy rules).</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "Fixtures", "slurm");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/Unit/Fixtures/slurm not found above " + AppContext.BaseDirectory);
    });

    public static string Slurm(string version, string file) => File.ReadAllText(Path.Combine(Root.Value, version, file));
}
