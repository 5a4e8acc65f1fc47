using System.Security.Cryptography;
using System.Text;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Faults;
using Xunit;
using LogLevel = Emx2Hpc.Core.Diagnostics.LogLevel;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>The worker secret must never reach a log line, at any verbosity, in text or JSON form, on success or
/// on any failure path (401, clock skew, server errors with exceptions logged, validation failures) — neither
/// verbatim nor in an encoded form, and no request signature either (a signature plus the request is an offline
/// brute-force oracle for the secret).</summary>
[Collection(HostileCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LogScanTests
{
    private const string Area = "log scan";

    /// <summary>The secret and the encodings of it a careless log statement could produce.</summary>
    internal static IReadOnlyList<(string Form, string Value)> SecretForms(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        var base64 = Convert.ToBase64String(bytes);
        return
        [
            ("verbatim", secret),
            ("first 16 characters", secret[..16]),
            ("last 16 characters", secret[^16..]),
            ("base64", base64.TrimEnd('=')),
            ("base64url", base64.TrimEnd('=').Replace('+', '-').Replace('/', '_')),
            ("hex", Convert.ToHexStringLower(bytes)),
            ("HEX", Convert.ToHexString(bytes)),
            ("sha256 hex", Convert.ToHexStringLower(SHA256.HashData(bytes))),
            ("url-encoded", Uri.EscapeDataString(secret)),
            ("reversed", new string(secret.Reverse().ToArray())),
        ];
    }

    internal static void AssertClean(string log, string secret, IEnumerable<string> authorizations, string what)
    {
        Assert.False(string.IsNullOrWhiteSpace(log), $"{what}: nothing was logged, the scan proves nothing");
        foreach (var (form, value) in SecretForms(secret))
            Assert.False(log.Contains(value, StringComparison.OrdinalIgnoreCase), $"{what}: the secret appears in the log ({form})");
        foreach (var auth in authorizations.Distinct())
        {
            Assert.DoesNotContain(auth, log);
            var signature = auth.StartsWith(ProtocolConstants.AuthorizationScheme + " ", StringComparison.Ordinal) ? auth[(ProtocolConstants.AuthorizationScheme.Length + 1)..] : auth;
            Assert.False(log.Contains(signature, StringComparison.OrdinalIgnoreCase), $"{what}: a request signature appears in the log");
        }
        Assert.DoesNotContain("HMAC-SHA256 ", log);
    }

    /// <param name="Level">Logger verbosity.</param>
    /// <param name="Json">--json-logs form.</param>
    /// <param name="Arrange">Sets up the failure path (may be a no-op).</param>
    internal sealed record Case(LogLevel Level, bool Json, string? ServerSecret, Func<CycleHarness, Task> Arrange);

    private static Task Nothing(CycleHarness _) => Task.CompletedTask;

    internal static readonly IReadOnlyDictionary<string, Case> Cases = new Dictionary<string, Case>
    {
        ["full job, debug, text"] = new(LogLevel.Debug, false, null, Nothing),
        ["full job, debug, JSON"] = new(LogLevel.Debug, true, null, Nothing),
        ["full job, info, text"] = new(LogLevel.Information, false, null, Nothing),
        ["401 wrong secret, warnings only, JSON"] = new(LogLevel.Warning, true, "a-completely-different-secret-0123456789abc", Nothing),
        ["401 wrong secret, debug, text"] = new(LogLevel.Debug, false, "a-completely-different-secret-0123456789abc", Nothing),
        ["401 wrong secret, debug, JSON"] = new(LogLevel.Debug, true, "a-completely-different-secret-0123456789abc", Nothing),
        ["401 clock skew, debug, text"] = new(LogLevel.Debug, false, null, h =>
        {
            h.Emulator.Server.SetClock(() => DateTimeOffset.Now.AddMinutes(15));
            return Task.CompletedTask;
        }),
        ["server errors and exceptions, debug, text"] = new(LogLevel.Debug, false, null, h =>
        {
            h.Emulator.Server.SetFaultPlan(new FaultPlan
            {
                Rules =
                [
                    new FaultRule { Method = "POST", PathPattern = "/claim$", Action = FaultAction.DropAfterCommit, Times = 1 },
                    new FaultRule { Method = "POST", PathPattern = "/artifacts$", Action = FaultAction.ServiceUnavailable, Times = 6 },
                ],
            });
            return Task.CompletedTask;
        }),
        ["validation failure, debug, JSON"] = new(LogLevel.Debug, true, null, async h =>
            await h.CreateJobAsync(new { environment = new Dictionary<string, string> { ["LD_PRELOAD"] = "/tmp/evil.so" } })),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public Task Cycle_logs_never_contain_the_secret(string name) => HostileLedger.RunAsync(Area, name, async () =>
    {
        var c = Cases[name];
        await using var h = await CycleHarness.StartAsync(serverSecret: c.ServerSecret, jsonLogs: c.Json, level: c.Level);
        await h.CreateJobAsync(new { args = new[] { "x" } });
        await c.Arrange(h);
        for (var i = 0; i < 4; i++) await h.CycleAsync();
        var log = h.LogText.ToString();
        if (c.Level == LogLevel.Debug) Assert.Contains("/api/hpc/", log); // requests were logged, so the scan means something // requests were logged, so the scan means something
        AssertClean(log, CycleHarness.Secret, h.Wire.Authorizations, name);
        Assert.NotEmpty(h.Wire.Authorizations);
        return Verdict.Contained;
    });

    /// <summary>Shared secrets of the SS era are free text (≥ 32 characters), not base64url. The redactor is the last
    /// line of defence when such a secret reaches a message, a field or an exception text; JSON logs must not let
    /// it through in escaped form (\u002B for '+', \" for '"', \u00E9 for 'é' …).</summary>
    public static readonly TheoryData<string> SpecialSecrets = new()
    {
        "plus+and&ampersand<angle>brackets-0123456789",
        "quote\"double'single\\backslash-0123456789abcdef",
        "unicode-é-ü-€-0123456789abcdefghijklmnopqrst",
        "slash/and+base64==padding-0123456789abcdefgh",
    };

    [Theory]
    [MemberData(nameof(SpecialSecrets))]
    public Task Secret_with_JSON_special_characters_is_redacted(string secret) => HostileLedger.RunAsync(Area, "secret with JSON-escaped characters: " + secret[..10], () =>
    {
        foreach (var json in new[] { true, false })
        {
            var text = new StringWriter();
            var redactor = new Emx2Hpc.Core.Diagnostics.Redactor();
            redactor.Add(secret);
            var log = new Emx2Hpc.Core.Diagnostics.HpcLog(new Emx2Hpc.Core.Diagnostics.ConsoleLogSink(text, json, redactor), "test", LogLevel.Debug);
            log.Info($"server echoed {secret} in a message", ("detail", $"field with {secret}"));
            log.Error("failure", new InvalidOperationException($"exception text with {secret}"), ("n", 1));
            var written = text.ToString();
            Assert.Contains("***", written);
            var escaped = System.Text.Json.JsonSerializer.Serialize(secret)[1..^1];
            var relaxed = System.Text.Json.JsonSerializer.Serialize(secret, new System.Text.Json.JsonSerializerOptions
                { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })[1..^1];
            foreach (var form in new[] { secret, escaped, relaxed })
                Assert.False(written.Contains(form, StringComparison.Ordinal), $"secret leaked ({(json ? "JSON" : "text")} logs): {written}");
        }
        return Task.FromResult(Verdict.Refused);
    });

    [Fact]
    public Task Config_errors_about_the_secret_never_contain_it() => HostileLedger.RunAsync(Area, "config errors around the secret", () =>
    {
        using var root = new HostileRoot();
        var file = root.WriteFile("etc/worker.secret", CycleHarness.Secret);
        File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32("644", 8));
        var messages = new List<string>();
        foreach (var yaml in new[]
                 {
                     $"emx2:\n  worker_secret_file: {file}\n",                                   // world-readable file
                     $"emx2:\n  worker_secret: {CycleHarness.Secret}\n  worker_secret_file: {file}\n", // two sources
                     $"emx2:\n  worker_secret: [{CycleHarness.Secret}]\n",                       // wrong type
                     $"emx2:\n  worker_secret: short\n",                                        // too short
                     $"emx2:\n  worker_secret: {CycleHarness.Secret}\n  base_url: \"http://x\n", // syntax error after it
                     $"emx2:\n  worker_secret: {CycleHarness.Secret}\n  bogus: 1\nworker:\n  max_concurrent_jobs: lots\n",
                 })
        {
            var ex = Assert.Throws<ConfigException>(() => HpcConfigLoader.LoadText(yaml, "config.yaml", root.Path,
                new ConfigLoadOptions { GetEnvironmentVariable = _ => null }));
            messages.Add(ex.Message);
        }
        AssertClean(string.Join("\n", messages), CycleHarness.Secret, [], "config errors");
        return Task.FromResult(Verdict.Contained);
    });
}
