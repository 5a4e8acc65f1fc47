namespace Emx2Hpc.Core.Configuration;

/// <summary>Reads the <c>slurm</c> section.</summary>
internal static class SlurmSectionReader
{
    public static SlurmSettings Read(MappingReader section)
    {
        var defaults = new SlurmSettings();
        return new SlurmSettings
        {
            DefaultPartition = section.String("default_partition") ?? defaults.DefaultPartition,
            DefaultAccount = section.OptionalString("default_account"),
            UseAccounting = section.Bool("use_accounting", defaults.UseAccounting),
            CommandTimeoutSeconds = section.Int("command_timeout_seconds", defaults.CommandTimeoutSeconds),
            User = section.OptionalString("user"),
        };
    }
}
