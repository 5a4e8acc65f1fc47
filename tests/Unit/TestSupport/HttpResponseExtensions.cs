using System.Text.Json;
using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Tests.Unit.TestSupport;

public static class HttpResponseExtensions
{
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    public static async Task<T> ReadAsAsync<T>(this HttpResponseMessage response) =>
        JsonSerializer.Deserialize<T>(await response.Content.ReadAsStringAsync(), JsonDefaults.Options)
        ?? throw new InvalidOperationException($"empty {typeof(T).Name}");

    public static Task<ProblemDetail> ReadProblemAsync(this HttpResponseMessage response) => response.ReadAsAsync<ProblemDetail>();

    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;
}
