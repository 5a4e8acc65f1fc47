using YamlDotNet.RepresentationModel;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Loads and validates a config file. Either returns a config that every other component can trust,
/// or throws one <see cref="ConfigException"/> listing every problem with file, line, column and key path.</summary>
public static class HpcConfigLoader
{
    public static HpcConfig LoadFile(string path, ConfigLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path)) throw new ConfigException(new ConfigError(path, 0, 0, "", "configuration path is a directory, not a file"));
        if (!File.Exists(path)) throw new ConfigException(new ConfigError(path, 0, 0, "", "configuration file not found")) { MissingFile = path };

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(new ConfigError(path, 0, 0, "", "cannot read configuration file: " + e.Message));
        }

        var fullPath = Path.GetFullPath(path);
        return LoadText(text, path, Path.GetDirectoryName(fullPath)!, options) with { SourcePath = fullPath };
    }

    /// <param name="yaml">The file content.</param>
    /// <param name="sourceName">Shown as the file in messages and kept as <see cref="HpcConfig.SourcePath"/>.</param>
    /// <param name="baseDirectory">Directory that relative paths in the file resolve against.</param>
    /// <param name="options">Environment lookup and secret-permission policy.</param>
    public static HpcConfig LoadText(string yaml, string sourceName, string baseDirectory, ConfigLoadOptions? options = null)
    {
        var ctx = new LoadContext(sourceName, Path.GetFullPath(baseDirectory), options ?? ConfigLoadOptions.Default);
        var root = YamlDocumentParser.ParseRoot(ctx, yaml);
        if (ctx.Errors.Count > 0) throw new ConfigException(ctx.Errors.ToList());

        var config = Read(ctx, root) with { SourcePath = sourceName, Deprecations = ctx.Deprecations.ToList() };

        // Model rules run even after reading errors so one pass reports everything; the context drops an issue
        // for a key that already has a reading error.
        foreach (var issue in HpcConfigValidator.Issues(config)) ctx.Report(issue);

        if (ctx.Errors.Count > 0)
            throw new ConfigException(ctx.Errors.OrderBy(e => e.Line == 0 ? int.MaxValue : e.Line).ThenBy(e => e.Column).ToList());
        return config;
    }

    private static HpcConfig Read(LoadContext ctx, YamlNode? root)
    {
        // An empty file or a document holding only comments yields all defaults.
        if (root is YamlScalarNode { Value: null or "" }) root = null;
        var document = MappingReader.Open(ctx, root, "", ConfigKeys.Root);

        var emx2 = Emx2SectionReader.Read(ctx, document.Mapping("emx2", ConfigKeys.Emx2));
        var worker = WorkerSectionReader.Read(ctx, document.Mapping("worker", ConfigKeys.Worker), emx2.WorkerId);
        return new HpcConfig
        {
            Emx2 = emx2,
            Worker = worker,
            Slurm = SlurmSectionReader.Read(document.Mapping("slurm", ConfigKeys.Slurm)),
            Profiles = ProfilesSectionReader.Read(ctx, document.Mapping("profiles", knownKeys: null)),
            Apptainer = ApptainerSectionReader.Read(ctx, document.Mapping("apptainer", ConfigKeys.Apptainer), worker.StateDb),
            Staging = StagingSectionReader.Read(ctx, document.Mapping("staging", ConfigKeys.Staging), worker.StateDb),
            Metrics = OperationsSectionReader.ReadMetrics(ctx, document.Mapping("metrics", ConfigKeys.Metrics)),
            Audit = OperationsSectionReader.ReadAudit(ctx, document.Mapping("audit", ConfigKeys.Audit)),
            Status = OperationsSectionReader.ReadStatus(document.Mapping("status", ConfigKeys.Status)),
        };
    }
}
