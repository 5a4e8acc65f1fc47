namespace Emx2Hpc.Core.Configuration;

/// <summary>metrics.listen as host and port, for a configuration that passed validation.</summary>
public static class OperationsListen
{
    public static (string Host, int Port) Parse(string listen) =>
        OperationsSectionReader.ParseListen(listen) ?? throw new ArgumentException($"metrics.listen '{listen}' is not host:port", nameof(listen));
}
