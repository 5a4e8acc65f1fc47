using System.Text.Json.Serialization;

namespace Emx2Hpc.Core.Scheduling.Simulated;

/// <summary>The simulated scheduler's job files: snake_case, indented (people read them while debugging);
/// generated at compile time so `--simulate` works in the ahead-of-time compiled CLI.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(SimulatedJobRecord))]
internal sealed partial class SimulatedJsonContext : JsonSerializerContext;
