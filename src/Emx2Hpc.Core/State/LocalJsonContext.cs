using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Emx2Hpc.Core.Cycle;

namespace Emx2Hpc.Core.State;

/// <summary>Serialization code, generated at compile time, for the JSON the worker keeps for itself: the instance
/// binding file, the posix results manifest (column posix_outputs.files_json) and the provenance metadata of an
/// artifact. The published CLI is compiled ahead of time, where reflection-built serializers do not exist. Default
/// settings, as the reflection serializer used before, so stored text is unchanged.</summary>
[JsonSerializable(typeof(InstanceRegistry.Binding))]
[JsonSerializable(typeof(List<PosixPlacement.Entry>))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class LocalJsonContext : JsonSerializerContext;
