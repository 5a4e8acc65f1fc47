using System.Text.Json;
using System.Text.Json.Serialization;

namespace Emx2Hpc.Core.Status;

/// <summary>Durations as seconds (a number a script can compare), rounded to milliseconds.</summary>
internal sealed class SecondsConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => TimeSpan.FromSeconds(reader.GetDouble());
    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) => writer.WriteNumberValue(Math.Round(value.TotalSeconds, 3));
}
