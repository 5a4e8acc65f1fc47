using Emx2Hpc.Core.Configuration;
using Xunit;
using static Emx2Hpc.Tests.Unit.Configuration.ConfigTestSupport;

namespace Emx2Hpc.Tests.Unit.Configuration;

public sealed class SecretTests : IDisposable
{
    private const string Secret = "Zq8v3Lr0-super-secret-worker-credential-xyz";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private HpcConfig LoadFromDir(string yaml, bool allowInsecure = false)
        => HpcConfigLoader.LoadFile(_dir.Write("config.yaml", yaml), Options() with { AllowInsecureSecret = allowInsecure });

    private ConfigException FailFromDir(string yaml, bool allowInsecure = false)
        => Assert.Throws<ConfigException>(() => LoadFromDir(yaml, allowInsecure));

    [Theory]
    [InlineData("worker_secret")]
    [InlineData("shared_secret")]
    public void Inline_secret_under_either_alias(string key)
    {
        var config = Load($"emx2:\n  {key}: {Secret}\n");

        Assert.Equal(Secret, config.Emx2.Secret?.Value);
        Assert.Null(config.Emx2.SecretFile);
    }

    [Theory]
    [InlineData("worker_secret_file")]
    [InlineData("shared_secret_file")]
    public void Secret_file_under_either_alias_relative_to_the_config_directory(string key)
    {
        _dir.Write("secrets/worker.key", "  " + Secret + "\n\n", OwnerOnly);

        var config = LoadFromDir($"emx2:\n  {key}: secrets/worker.key\n");

        Assert.Equal(Secret, config.Emx2.Secret?.Value); // whitespace trimmed
        Assert.Equal(Path.Combine(_dir.Path, "secrets", "worker.key"), config.Emx2.SecretFile);
    }

    [Fact]
    public void Secret_file_by_absolute_path()
    {
        var file = _dir.Write("abs.key", Secret, OwnerOnly);
        Assert.Equal(Secret, LoadFromDir($"emx2:\n  worker_secret_file: {file}\n").Emx2.Secret?.Value);
    }

    [Fact]
    public void Secret_from_environment_variable()
        => Assert.Equal(Secret, Load("emx2:\n  worker_secret: ${EMX2_SECRET}\n", ("EMX2_SECRET", Secret)).Emx2.Secret?.Value);

    [Fact]
    public void No_secret_is_allowed_at_load_time()
    {
        var config = Load("emx2:\n  worker_secret: \"\"\n");
        Assert.Null(config.Emx2.Secret);
        Assert.Contains("secret: NOT configured", config.Describe());
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, "0644")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.GroupRead, "0440")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.OtherWrite, "0402")]
    public void Secret_file_readable_by_others_is_refused(UnixFileMode mode, string octal)
    {
        var file = _dir.Write("open.key", Secret, mode);

        var error = Assert.Single(FailFromDir("emx2:\n  base_url: http://x\n  worker_secret_file: open.key\n").Errors);

        Assert.Equal(3, error.Line);
        Assert.Equal("emx2.worker_secret_file", error.KeyPath);
        Assert.Contains($"(mode {octal})", error.Message);
        Assert.Contains($"chmod 600 {file}", error.Message);
    }

    [Fact]
    public void Secret_file_mode_0644_is_accepted_when_insecure_secrets_are_allowed()
    {
        _dir.Write("open.key", Secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var config = LoadFromDir("emx2:\n  worker_secret_file: open.key\n", allowInsecure: true);

        Assert.Equal(Secret, config.Emx2.Secret?.Value);
    }

    [Fact]
    public void Secret_file_mode_0400_is_accepted()
    {
        _dir.Write("ro.key", Secret, UnixFileMode.UserRead);
        Assert.Equal(Secret, LoadFromDir("emx2:\n  worker_secret_file: ro.key\n").Emx2.Secret?.Value);
    }

    [Fact]
    public void Missing_secret_file_names_path_and_key()
    {
        var error = Assert.Single(FailFromDir("emx2:\n  shared_secret_file: nowhere.key\n").Errors);

        Assert.Equal(2, error.Line);
        Assert.Equal("emx2.shared_secret_file", error.KeyPath);
        Assert.Contains($"'{Path.Combine(_dir.Path, "nowhere.key")}' does not exist", error.Message);
    }

    [Fact]
    public void Empty_secret_file_is_an_error()
    {
        _dir.Write("empty.key", " \n\t\n", OwnerOnly);

        var error = Assert.Single(FailFromDir("emx2:\n  worker_secret_file: empty.key\n").Errors);

        Assert.Equal("emx2.worker_secret_file", error.KeyPath);
        Assert.Contains("is empty", error.Message);
    }

    [Fact]
    public void Secret_file_that_is_a_directory_is_an_error()
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, "keys"));
        Assert.Contains("is a directory", Assert.Single(FailFromDir("emx2:\n  worker_secret_file: keys\n").Errors).Message);
    }

    [Fact]
    public void Short_secret_from_a_file_is_reported_on_the_file_key()
    {
        _dir.Write("short.key", "abc", OwnerOnly);

        var error = Assert.Single(FailFromDir("emx2:\n  auth_mode: hmac\n  shared_secret_file: short.key\n").Errors);

        Assert.Equal((3, "emx2.shared_secret_file"), (error.Line, error.KeyPath));
        Assert.Contains("shorter than 32", error.Message);
    }

    [Fact]
    public void WorkerSecret_never_prints_its_value()
    {
        var secret = new WorkerSecret(Secret);
        var settings = new Emx2Settings { Secret = secret };
        var config = new HpcConfig { Emx2 = settings };

        Assert.Equal("***", secret.ToString());
        Assert.Equal("***", $"{secret}");
        Assert.DoesNotContain(Secret, settings.ToString());
        Assert.DoesNotContain(Secret, config.ToString());
        Assert.DoesNotContain(Secret, string.Join("\n", config.Describe()));
        Assert.Equal(Secret, secret.Value);
    }

    [Fact]
    public void Empty_WorkerSecret_is_refused() => Assert.Throws<ArgumentException>(() => new WorkerSecret(" "));

    [Theory]
    [InlineData("emx2:\n  worker_secret: {0}\n  auth_mode: nonsense\n")]
    [InlineData("emx2:\n  worker_secret: {0}\n  worker_secret_file: /etc/x\n")]
    [InlineData("emx2:\n  worker_secret: {0}\n  shared_secret: {0}\n")]
    [InlineData("emx2:\n  worker_secret: \"{0}${{UNSET}}\"\n")]
    [InlineData("emx2:\n  worker_secret: [{0}]\n")]
    public void Secret_never_appears_in_a_ConfigException(string template)
    {
        var exception = Assert.Throws<ConfigException>(() => Load(string.Format(template, Secret)));

        Assert.DoesNotContain(Secret, exception.Message);
        Assert.DoesNotContain(Secret, exception.ToString());
        Assert.All(exception.Errors, e => Assert.DoesNotContain(Secret, e.ToString()));
    }

    [Fact]
    public void Short_secret_message_does_not_contain_the_secret()
    {
        var exception = Assert.Throws<ConfigException>(() => Load("emx2:\n  worker_secret: shortsecretvalue\n"));
        Assert.DoesNotContain("shortsecretvalue", exception.Message);
    }

    [Fact]
    public void Secret_file_content_never_appears_in_errors()
    {
        _dir.Write("open.key", Secret, UnixFileMode.UserRead | UnixFileMode.OtherRead);
        var exception = FailFromDir("emx2:\n  worker_secret_file: open.key\n");
        Assert.DoesNotContain(Secret, exception.ToString());
    }
}
