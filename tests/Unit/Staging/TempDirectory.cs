namespace Emx2Hpc.Tests.Unit.Staging;

/// <summary>A private directory under the system temp dir, removed (without following links) on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("emx2hpc-staging-").FullName;

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public string WriteFile(string relative, string content)
    {
        var full = this[relative];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
