using System.Net;
using Emx2Hpc.Core.Configuration;

namespace Emx2Hpc.Core.Checks;

/// <summary>Checks that the worker's credential and its conversation with EMX2 are not exposed: a secret written
/// into a configuration file other local users can read, and signed requests sent over plain HTTP to another host.</summary>
public static class ExposureChecks
{
    private const UnixFileMode GroupOrOtherRead = UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static IEnumerable<CheckResult> Run(HpcConfig config)
    {
        if (InlineSecret(config) is { } secret) yield return secret;
        yield return Transport(config.Emx2);
    }

    /// <summary>The secret file is checked when it is read (SecretFileReader); a secret written into the config itself
    /// is only as private as that file. Looks for the secret's text in the file, so a value that came from
    /// <c>${VAR}</c> (the file holds only the reference) is not mistaken for an inline one.</summary>
    public static CheckResult? InlineSecret(HpcConfig config)
    {
        if (config.Emx2.Secret is not { } secret || config.Emx2.SecretFile is not null || config.SourcePath is not { } path) return null;
        string text;
        UnixFileMode mode;
        try
        {
            text = File.ReadAllText(path);
            mode = OperatingSystem.IsWindows() ? 0 : File.GetUnixFileMode(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new CheckResult("config permissions", CheckStatus.Fail, $"{path}: cannot re-read the config to check it: {ex.Message}");
        }
        if (!text.Contains(secret.Value, StringComparison.Ordinal))
            return new CheckResult("config permissions", CheckStatus.Pass, "the worker secret comes from the environment, not from the config file's text");
        var octal = Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
        return (mode & GroupOrOtherRead) != 0
            ? new CheckResult("config permissions", CheckStatus.Fail,
                $"{path} holds the worker secret inline (emx2.worker_secret) and is readable by group or others (mode {octal}): " +
                $"move the secret to emx2.worker_secret_file (chmod 600) or run: chmod 600 {path}")
            : new CheckResult("config permissions", CheckStatus.Pass, $"{path} holds the worker secret inline and is private (mode {octal})");
    }

    public static CheckResult Transport(Emx2Settings emx2)
    {
        var url = emx2.BaseUrl;
        if (url.Scheme == Uri.UriSchemeHttps)
            return new CheckResult("emx2 transport", CheckStatus.Pass, $"{url.Scheme}://{url.Authority}");
        if (IsLoopback(url))
            return new CheckResult("emx2 transport", CheckStatus.Pass, $"plain http to {url.Host} stays on this host");
        const string why = "request signatures do not cover Content-Type and responses are not signed, so anyone on the network path " +
                           "can change what a signed request means or what this worker is told";
        return emx2.AllowInsecureHttp
            ? new CheckResult("emx2 transport", CheckStatus.Warn, $"plain http to {url.Host} allowed by emx2.allow_insecure_http: {why}")
            : new CheckResult("emx2 transport", CheckStatus.Fail,
                $"plain http to {url.Host}: {why}; use https, or set emx2.allow_insecure_http: true if the network is trusted");
    }

    /// <summary>"localhost", or a literal loopback address. Other names are not resolved: a name that resolves to
    /// 127.0.0.1 today may not tomorrow, and an unresolvable one says nothing.</summary>
    internal static bool IsLoopback(Uri url) =>
        string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || url.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
