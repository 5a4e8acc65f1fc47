using System.Text.Json.Serialization;

namespace Emx2Hpc.Core.Status;

/// <summary>`emx2-hpc status --json`: snake_case names, indented, durations as seconds; generated at compile time so
/// it works in the ahead-of-time compiled CLI.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    Converters = [typeof(SecondsConverter)])]
[JsonSerializable(typeof(WorkerStatus))]
internal sealed partial class WorkerStatusJsonContext : JsonSerializerContext;
