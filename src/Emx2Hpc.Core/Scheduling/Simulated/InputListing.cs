namespace Emx2Hpc.Core.Scheduling.Simulated;

/// <summary>Lists what a job was given: every regular file under the input directory with size and SHA-256.
/// Symbolic links are reported but never followed (a staged posix input is a link to data elsewhere; following
/// it could read anything on the machine), so the listing stays inside the input directory.</summary>
internal static class InputListing
{
    public static IReadOnlyList<string> Describe(string inputDirectory)
    {
        if (!Directory.Exists(inputDirectory)) return ["(no input directory)"];
        var lines = new List<string>();
        Walk(new DirectoryInfo(inputDirectory), inputDirectory, lines);
        lines.Sort(StringComparer.Ordinal);
        return lines.Count == 0 ? ["(empty)"] : lines;
    }

    private static void Walk(DirectoryInfo directory, string root, List<string> lines)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            var relative = Path.GetRelativePath(root, entry.FullName);
            if (entry.LinkTarget is not null)
                lines.Add($"{relative}\tsymlink (not followed)");
            else if (entry is DirectoryInfo child)
                Walk(child, root, lines);
            else if (entry is FileInfo file)
                lines.Add($"{relative}\t{file.Length}\t{Sha256(file)}");
        }
    }

    private static string Sha256(FileInfo file) => Emx2Hpc.Core.FileSystem.ContentHash.OfTrustedFile(file.FullName).Sha256;
}
