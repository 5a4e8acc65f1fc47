namespace Emx2Hpc.Core.Configuration;

/// <summary>Reads a secret file, refusing one that other local users can read (gap 6: the Python daemon only
/// documented chmod 600). Every message names the path and the key it came from, never the content.</summary>
internal static class SecretFileReader
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static WorkerSecret? Read(LoadContext ctx, MappingReader.Entry entry, string path)
    {
        void Fail(string message) => ctx.Error(entry.Value.Start, entry.Path, message);

        if (Directory.Exists(path))
        {
            Fail($"secret file '{path}' is a directory");
            return null;
        }
        if (!File.Exists(path))
        {
            Fail($"secret file '{path}' does not exist");
            return null;
        }

        if (!OperatingSystem.IsWindows() && !ctx.Options.AllowInsecureSecret)
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & GroupOrOther) != 0)
            {
                Fail($"secret file '{path}' is accessible by group or others (mode {Octal(mode)}); run: chmod 600 {path}");
                return null;
            }
        }

        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
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
