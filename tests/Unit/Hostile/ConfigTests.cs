using System.Diagnostics;
using System.Text;
using Emx2Hpc.Core.Configuration;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>Broken or malicious configuration files: each must fail fast with a message that names the file, the
/// line and what is wrong, and none may hang the loader or blow up its memory (alias bombs).</summary>
[Collection(HostileCollection.Name)]
public sealed class ConfigYamlTests
{
    private const string Area = "config YAML";

    /// <param name="Yaml">The file content.</param>
    /// <param name="Mentions">Fragments the error must contain.</param>
    internal sealed record Case(string Yaml, params string[] Mentions);

    private static string BillionLaughs(string use)
    {
        var sb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i < 10; i++)
        {
            var prev = (char)('a' + i - 1);
            var cur = (char)('a' + i);
            sb.Append($"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n");
        }
        return sb.Append(use).ToString();
    }

    private static string Wide(int aliases)
    {
        // Many aliases to one big list: cheap to write, quadratic or worse if anything copies the list per alias.
        var sb = new StringBuilder("big: &big [" + string.Join(",", Enumerable.Repeat("x", 10_000)) + "]\nmany:\n");
        for (var i = 0; i < aliases; i++) sb.Append("  - *big\n");
        return sb.ToString();
    }

    internal static readonly IReadOnlyDictionary<string, Case> Cases = new Dictionary<string, Case>
    {
        ["tab indentation"] = new("emx2:\n\tbase_url: http://x\n", "config.yaml:", "invalid YAML", "tab"),
        ["unterminated double quote"] = new("emx2:\n  base_url: \"http://x\nworker:\n  poll_interval_seconds: 5\n", "invalid YAML"),
        ["unterminated single quote"] = new("emx2:\n  worker_id: 'abc\n", "invalid YAML"),
        ["unclosed flow list"] = new("apptainer:\n  bind_paths: [/a, /b\n", "invalid YAML"),
        ["duplicate key"] = new("worker:\n  poll_interval_seconds: 5\n  poll_interval_seconds: 6\n", "config.yaml:3", "duplicate", "poll_interval_seconds"),
        ["duplicate section"] = new("emx2:\n  worker_id: a\nemx2:\n  worker_id: b\n", "config.yaml:3", "duplicate", "emx2"),
        ["billion laughs (top-level key)"] = new(BillionLaughs(""), "unknown key 'a'"),
        ["billion laughs into bind_paths"] = new(BillionLaughs("apptainer:\n  bind_paths: *j\n"), "apptainer.bind_paths"),
        ["billion laughs as a mapping key"] = new(BillionLaughs("profiles:\n  ? *j\n  : {host_entrypoint: /bin/true}\n"), "config.yaml"),
        ["billion laughs into environment"] = new(BillionLaughs("profiles:\n  \"p:default\":\n    host_entrypoint: /bin/true\n    environment: *j\n"), "environment"),
        ["10 000 aliases to a 10 000 item list"] = new(Wide(10_000), "unknown key 'big'"),
        ["alias to an undefined anchor"] = new("emx2:\n  worker_id: *nowhere\n", "'*nowhere'", "not defined"),
        ["self-referencing anchor"] = new("emx2: &loop\n  inner: *loop\n", "config.yaml"),
        ["merge key"] = new("defaults: &d {cpus: 2}\nprofiles:\n  \"p:default\":\n    <<: *d\n    host_entrypoint: /bin/true\n", "'<<'"),
        ["unknown key with suggestion"] = new("emx2:\n  base_ulr: http://x\n", "unknown key 'base_ulr'", "did you mean 'base_url'"),
        ["wrong type: text for an integer"] = new("worker:\n  poll_interval_seconds: soon\n", "worker.poll_interval_seconds", "expected an integer, got 'soon'"),
        ["wrong type: list for a mapping"] = new("emx2: [a, b]\n", "emx2", "expected a mapping"),
        ["wrong type: mapping for a string"] = new("emx2:\n  worker_id: {a: b}\n", "emx2.worker_id", "got a mapping"),
        ["several documents"] = new("emx2: {}\n---\nworker: {}\n", "several"),
        ["deeply nested flow collections"] = new("x: " + new string('[', 5_000) + new string(']', 5_000) + "\n", "config.yaml"),
        ["NUL byte truncating the file"] = new("emx2:\n  worker_id: a\u0000\nworker:\n  poll_interval_seconds: soon\n", "config.yaml:2", "NUL"),
        ["sbatch directive injection"] = new("profiles:\n  \"p:default\":\n    host_entrypoint: /bin/true\n    sbatch_args: [\"--export=ALL\"]\n", "sbatch_args"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public Task Config_file(string name) => HostileLedger.RunAsync(Area, name, async () =>
    {
        var c = Cases[name];
        var before = GC.GetTotalMemory(forceFullCollection: false);
        var watch = Stopwatch.StartNew();
        var ex = await Hostile.WithinAsync(TimeSpan.FromSeconds(10), () =>
        {
            try
            {
                HpcConfigLoader.LoadText(c.Yaml, "config.yaml", "/etc/emx2-hpc",
                    new ConfigLoadOptions { GetEnvironmentVariable = _ => null });
                return (Exception?)null;
            }
            catch (Exception e)
            {
                return e;
            }
        }, "loading " + name);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"loading took {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.True(GC.GetTotalMemory(false) - before < 512L << 20, "loading allocated more than 512 MiB");
        var config = Assert.IsType<ConfigException>(ex);
        Hostile.AssertNames(config, c.Mentions);
        Assert.True(config.Message.Length < 20_000, $"message is {config.Message.Length} characters");
        return Verdict.Refused;
    });
}
