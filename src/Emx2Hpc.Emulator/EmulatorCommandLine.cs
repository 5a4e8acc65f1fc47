using System.Globalization;
using Emx2Hpc.Emulator.Faults;

namespace Emx2Hpc.Emulator;

/// <summary>Outcome of parsing the command line: options, a request for help, or an error naming the option.</summary>
public sealed record EmulatorCommandLineResult(EmulatorOptions? Options, string? Error, bool HelpRequested)
{
    public bool IsSuccess => Options is not null;
}

/// <summary>Parses the emulator's few options by hand (the emulator takes no packages beyond SQLite). Both
/// "--name value" and "--name=value" work. Files named by options are read here so a bad path is a usage error
/// (exit 2), not a crash after start.</summary>
public static class EmulatorCommandLine
{
    public const string DefaultUrl = "http://127.0.0.1:8765";

    public const string Usage = """
        Usage: emx2-hpc-emulator [options]

        An EMX2 HPC API stand-in (/api/hpc) for tests and demos.

          --urls URL                   listen address (default http://127.0.0.1:8765; port 0 picks a free port)
          --shared-secret-file FILE    SS-era shared secret (>= 32 chars), accepted for any X-Worker-Id
          --worker-secret WORKER=FILE  per-worker HMAC secret (repeatable)
          --user-token TOKEN=ROLE      x-molgenis-token user with role Viewer|Editor|Manager|Owner (repeatable)
          --state FILE                 SQLite file that keeps state across restarts (default: in memory)
          --disabled                   start with HPC disabled: every route but health answers 503
          --replay-cache MODE          global (default: replayed nonces are rejected) | per-request (like the server)
          --max-upload-bytes N         upload limit in bytes (default 524288000)
          --credentials-key KEY        MOLGENIS_HPC_CREDENTIALS_KEY; "" = not set (credential issue answers 503);
                                       default: a built-in key
          --fault-plan FILE            JSON fault-injection rules
          -h, --help                   show this help

        Prints "listening on <url>" once ready; stops on Ctrl-C or SIGTERM.
        """;

    public static EmulatorCommandLineResult Parse(IReadOnlyList<string> args)
    {
        var options = new EmulatorOptions { ListenUrl = DefaultUrl };
        try
        {
            for (var i = 0; i < args.Count; i++)
            {
                var (name, inlineValue) = Split(args[i]);
                string Value()
                {
                    if (inlineValue is not null) return inlineValue;
                    if (i + 1 >= args.Count) throw new UsageException($"option {name} needs a value");
                    return args[++i];
                }

                switch (name)
                {
                    case "-h" or "--help":
                        return new EmulatorCommandLineResult(null, null, HelpRequested: true);
                    case "--urls":
                        options.ListenUrl = ParseUrl(name, Value());
                        break;
                    case "--shared-secret-file":
                        options.SharedSecret = ReadSharedSecret(name, Value());
                        break;
                    case "--worker-secret":
                        var (worker, file) = SplitPair(name, Value(), "WORKER=FILE");
                        options.WorkerSecrets[worker] = ReadSecretFile(name, file);
                        break;
                    case "--user-token":
                        var (token, roleText) = SplitPair(name, Value(), "TOKEN=ROLE");
                        if (!UserRoles.TryParse(roleText, out var role))
                            throw new UsageException($"option {name}: unknown role '{roleText}' (expected {UserRoles.Names})");
                        options.UserTokens[token] = role;
                        break;
                    case "--state":
                        options.StatePath = NonBlank(name, Value());
                        break;
                    case "--disabled":
                        if (inlineValue is not null) throw new UsageException($"option {name} takes no value");
                        options.Disabled = true;
                        break;
                    case "--replay-cache":
                        options.ReplayCache = Value() switch
                        {
                            "global" => ReplayCacheMode.Global,
                            "per-request" => ReplayCacheMode.PerRequest,
                            var other => throw new UsageException($"option {name}: '{other}' is not one of global, per-request"),
                        };
                        break;
                    case "--max-upload-bytes":
                        var text = Value();
                        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max <= 0)
                            throw new UsageException($"option {name}: '{text}' is not a positive whole number of bytes");
                        options.MaxUploadBytes = max;
                        break;
                    case "--credentials-key":
                        var key = Value();
                        options.CredentialsKey = key.Length == 0 ? null : key;
                        break;
                    case "--fault-plan":
                        var planPath = NonBlank(name, Value());
                        try
                        {
                            options.FaultPlan = FaultPlanParser.LoadFile(planPath);
                        }
                        catch (FormatException ex)
                        {
                            throw new UsageException($"option {name}: {ex.Message}");
                        }
                        options.FaultPlanPath = planPath;
                        break;
                    default:
                        throw new UsageException(name.StartsWith('-') ? $"unknown option {name}" : $"unexpected argument '{name}'");
                }
            }
        }
        catch (UsageException ex)
        {
            return new EmulatorCommandLineResult(null, ex.Message, HelpRequested: false);
        }
        return new EmulatorCommandLineResult(options, null, HelpRequested: false);
    }

    private static (string Name, string? Value) Split(string arg)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal)) return (arg, null);
        var eq = arg.IndexOf('=');
        return eq < 0 ? (arg, null) : (arg[..eq], arg[(eq + 1)..]);
    }

    private static string ParseUrl(string option, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp || url.AbsolutePath != "/")
            throw new UsageException($"option {option}: '{value}' is not an http://HOST:PORT address");
        return value;
    }

    private static (string Key, string Value) SplitPair(string option, string value, string shape)
    {
        var eq = value.IndexOf('=');
        if (eq <= 0 || eq == value.Length - 1) throw new UsageException($"option {option} expects {shape}, got '{value}'");
        return (value[..eq], value[(eq + 1)..]);
    }

    private static string NonBlank(string option, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new UsageException($"option {option} needs a non-empty value") : value;

    private static string ReadSharedSecret(string option, string path)
    {
        var secret = ReadSecretFile(option, path);
        if (secret.Length < EmulatorOptions.MinimumSharedSecretLength)
            throw new UsageException($"option {option}: the secret in {path} is shorter than {EmulatorOptions.MinimumSharedSecretLength} characters");
        return secret;
    }

    /// <summary>A secret file holds the secret on its first line; surrounding whitespace and the newline are not part of it.</summary>
    private static string ReadSecretFile(string option, string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(NonBlank(option, path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"option {option}: cannot read {path}: {ex.Message}");
        }
        var secret = text.Trim();
        if (secret.Length == 0) throw new UsageException($"option {option}: {path} is empty");
        return secret;
    }

    private sealed class UsageException(string message) : Exception(message);
}
