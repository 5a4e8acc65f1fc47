using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Emx2Hpc.Core.Protocol.Dtos;

/// <summary>size_bytes is a JSON string in artifact and file-list responses but a number in upload responses
/// (SERVER-SPEC §11.3); accept both so one DTO serves every endpoint.</summary>
public sealed class FlexibleInt64Converter : JsonConverter<long?>
{
    public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.Number => reader.GetInt64(),
            JsonTokenType.String when long.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) => v,
            JsonTokenType.String when string.IsNullOrWhiteSpace(reader.GetString()) => null,
            _ => throw new JsonException($"size_bytes must be an integer or an integer string, got {reader.TokenType}"),
        };

    public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options)
    {
        if (value is null) writer.WriteNullValue();
        else writer.WriteNumberValue(value.Value);
    }
}
