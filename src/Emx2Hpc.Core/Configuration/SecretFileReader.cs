using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Staging;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Reads a secret file, refusing one that other local users can read (the Python daemon only
/// documented chmod 600). Every message names the path and the key it came from, never the content.</summary>
internal static class SecretFileReader
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static WorkerSecret? Read(LoadContext ctx, MappingReader.Entry entry, string path)
    {
        void Fail(string message) => ctx.Error(entry.Value.Start, entry.Path, message);

        // A link is followed (secret stores and configuration management install secrets that way), but the type and
        // permissions that matter are those of the file it resolves to, and messages name both.
        string target;
        try
        {
            target = RealPath.Resolve(path);
        }
        catch (FileNotFoundException)
        {
            Fail($"secret file '{path}' does not exist");
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail($"cannot resolve secret file '{path}': {e.Message}");
            return null;
        }
        var shown = target == path ? $"'{path}'" : $"'{path}' (a link to '{target}')";
        switch (FileKindProbe.Of(target))
        {
            case FileKind.Directory:
                Fail($"secret file {shown} is a directory");
                return null;
            case FileKind.Regular:
                break;
            default:
                // Reading a FIFO blocks the daemon at start; /dev/zero or /dev/urandom would fill its memory.
                Fail($"secret file {shown} is not a regular file");
                return null;
        }

        if (!OperatingSystem.IsWindows() && !ctx.Options.AllowInsecureSecret)
        {
            var mode = File.GetUnixFileMode(target);
            if ((mode & GroupOrOther) != 0)
            {
                Fail($"secret file {shown} is accessible by group or others (mode {Octal(mode)}); run: chmod 600 {target}");
                return null;
            }
        }

        string text;
        try
        {
            text = File.ReadAllText(target).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail($"cannot read secret file '{path}': {e.Message}");
            return null;
        }

        if (text.Length == 0)
        {
            Fail($"secret file '{path}' is empty");
            return null;
        }
        return new WorkerSecret(text);
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
}
