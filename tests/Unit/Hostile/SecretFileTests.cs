using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.FileSystem;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>The worker secret file: refused when other local users can read or write it (the message names the
/// file and the fix, <c>chmod 600</c>), accepted with the explicit override, and never read when it is not a
/// regular file (a FIFO would hang the daemon at start, /dev/zero would fill its memory).
///
/// Decision on links: a secret file may be a symbolic link (configuration management and secret stores commonly
/// install secrets that way), but the permission check applies to the file the link resolves to, and the message
/// names both. A link to a group/world-readable file is refused like the file itself.</summary>
[Collection(HostileCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecretFileTests : IDisposable
{
    private const string Area = "secret file";
    private const string Secret = "hostile-Secret-0123456789-abcdefghijklmnopq";
    private readonly HostileRoot _root = new();

    public void Dispose() => _root.Dispose();

    /// <param name="Arrange">Creates whatever worker_secret_file points at and returns that path.</param>
    /// <param name="AllowInsecure">ConfigLoadOptions.AllowInsecureSecret (CLI --allow-insecure-secret).</param>
    /// <param name="Mentions">Fragments of the refusal ("{path}" is replaced by the configured path, "{target}" by
    /// the link target); empty when the file must be accepted.</param>
    internal sealed record Case(Func<HostileRoot, string> Arrange, bool AllowInsecure, params string[] Mentions);

    private static string Mode(HostileRoot root, string octal, string name = "worker.secret")
    {
        var path = root.WriteFile("etc/" + name, Secret + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(octal, 8));
        return path;
    }

    private static string LinkTo(HostileRoot root, string target, string name = "link.secret")
    {
        var link = root.Combine("etc/" + name);
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, target);
        return link;
    }

    private static readonly string[] Insecure = ["{path}", "chmod 600"];

    internal static readonly IReadOnlyDictionary<string, Case> Cases = new Dictionary<string, Case>
    {
        ["mode 0644 (world-readable)"] = new(r => Mode(r, "644"), false, [.. Insecure, "0644"]),
        ["mode 0640 (group-readable)"] = new(r => Mode(r, "640"), false, [.. Insecure, "0640"]),
        ["mode 0604 (other-readable only)"] = new(r => Mode(r, "604"), false, [.. Insecure, "0604"]),
        ["mode 0660 (group-writable)"] = new(r => Mode(r, "660"), false, Insecure),
        ["mode 0602 (other-writable)"] = new(r => Mode(r, "602"), false, Insecure),
        ["mode 0666"] = new(r => Mode(r, "666"), false, Insecure),
        ["mode 0777"] = new(r => Mode(r, "777"), false, Insecure),
        ["link to a mode 0644 file"] = new(r => LinkTo(r, Mode(r, "644", "target.secret")), false, [.. Insecure, "{target}"]),
        ["link chain to a mode 0644 file"] = new(r => LinkTo(r, LinkTo(r, Mode(r, "644", "target.secret"), "hop.secret")), false, [.. Insecure, "{target}"]),
        ["dangling link"] = new(r => LinkTo(r, r.Combine("etc/missing.secret")), false, "{path}", "does not exist"),
        ["directory"] = new(r => { Directory.CreateDirectory(r.Combine("etc/dir.secret")); return r.Combine("etc/dir.secret"); }, false, "{path}", "is a directory"),
        ["FIFO with mode 0600"] = new(r => { Directory.CreateDirectory(r.Combine("etc")); Hostile.Fifo(r.Combine("etc/fifo.secret")); return r.Combine("etc/fifo.secret"); },
            false, "{path}", "not a regular file"),
        ["/dev/zero with the insecure override"] = new(_ => "/dev/zero", true, "/dev/zero", "not a regular file"),
        ["link to /dev/zero with the insecure override"] = new(r => LinkTo(r, "/dev/zero"), true, "{path}", "not a regular file"),
        ["empty file"] = new(r => { var p = r.WriteFile("etc/empty.secret", "  \n"); File.SetUnixFileMode(p, (UnixFileMode)Convert.ToInt32("600", 8)); return p; },
            false, "{path}", "is empty"),
        // Accepted.
        ["mode 0600"] = new(r => Mode(r, "600"), false),
        ["mode 0400"] = new(r => Mode(r, "400"), false),
        ["mode 0644 with the insecure override"] = new(r => Mode(r, "644"), true),
        ["link to a mode 0600 file"] = new(r => LinkTo(r, Mode(r, "600", "target.secret")), false),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public Task Secret_file(string name) => HostileLedger.RunAsync(Area, name, async () =>
    {
        var c = Cases[name];
        var path = c.Arrange(_root);
        var target = FileKindProbeTarget(path);
        var yaml = $"emx2:\n  base_url: http://localhost:1/\n  worker_secret_file: {path}\n";
        var options = new ConfigLoadOptions { AllowInsecureSecret = c.AllowInsecure, GetEnvironmentVariable = _ => null };
        var result = await Hostile.WithinAsync(TimeSpan.FromSeconds(5), () =>
        {
            try
            {
                return (Config: HpcConfigLoader.LoadText(yaml, "config.yaml", _root.Path, options), Error: (ConfigException?)null);
            }
            catch (ConfigException e)
            {
                return (Config: (HpcConfig?)null, Error: e);
            }
        }, "loading the secret file");

        if (c.Mentions.Length == 0)
        {
            Assert.True(result.Error is null, result.Error?.Message);
            Assert.Equal(Secret, result.Config!.Emx2.Secret!.Value);
            return Verdict.Contained; // accepted by design (or by the explicit override)
        }

        Assert.NotNull(result.Error);
        foreach (var fragment in c.Mentions)
            Hostile.AssertNames(result.Error, fragment.Replace("{path}", path).Replace("{target}", target));
        Assert.DoesNotContain(Secret, result.Error.Message);
        Assert.Contains("emx2.worker_secret_file", result.Error.Message);
        return Verdict.Refused;
    });

    private static string FileKindProbeTarget(string path)
    {
        try
        {
            return Emx2Hpc.Core.FileSystem.RealPath.Resolve(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return path;
        }
    }
}
