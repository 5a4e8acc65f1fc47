using Emx2Hpc.Core.FileSystem;
namespace Emx2Hpc.Core.Staging;

/// <summary>Creates the links staging exposes in input/. Idempotent because staging is retried after crashes: the
/// reference daemon failed with "file exists" on the second attempt.</summary>
internal static class SymlinkWriter
{
    /// <summary>Makes <paramref name="linkPath"/> a symbolic link to <paramref name="target"/>. A link that already
    /// points there is kept; any other link, file or directory at that path is replaced. Returns true when the
    /// link was (re)created.</summary>
    public static bool Ensure(string linkPath, string target)
    {
        switch (FileKindProbe.Of(linkPath))
        {
            case FileKind.Symlink when new FileInfo(linkPath).LinkTarget == target:
                return false;
            case FileKind.Symlink or FileKind.Regular or FileKind.Special:
                File.Delete(linkPath); // unlinks; never touches a link's target
                break;
            case FileKind.Directory:
                Directory.Delete(linkPath, recursive: true); // .NET removes nested links without following them
                break;
        }
        File.CreateSymbolicLink(linkPath, target);
        return true;
    }
}
