using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Emx2Hpc.Core.Protocol.Dtos;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Protocol;

/// <summary>The compile-time generated serializers (ProtocolJsonContext) must behave exactly like the reflection-based
/// ones they replaced: same settings, same wire text, and every protocol DTO actually served by them.</summary>
public class ProtocolJsonContextTests
{
    private static readonly JsonSerializerOptions ReflectionOnly =
        new(JsonDefaults.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    public static TheoryData<Type> ContextTypes()
    {
        var data = new TheoryData<Type>();
        foreach (var attribute in typeof(ProtocolJsonContext).GetCustomAttributesData())
            if (attribute.AttributeType == typeof(JsonSerializableAttribute)) data.Add((Type)attribute.ConstructorArguments[0].Value!);
        return data;
    }

    [Fact]
    public void Context_settings_equal_JsonDefaults()
    {
        var generated = ProtocolJsonContext.Default.Options;
        Assert.Equal(JsonDefaults.Options.DefaultIgnoreCondition, generated.DefaultIgnoreCondition);
        Assert.Equal(JsonDefaults.Options.NumberHandling, generated.NumberHandling);
        Assert.Equal(JsonDefaults.Options.PropertyNameCaseInsensitive, generated.PropertyNameCaseInsensitive);
        Assert.Equal(JsonDefaults.Options.MaxDepth, generated.MaxDepth);
    }

    [Theory]
    [MemberData(nameof(ContextTypes))]
    public void JsonDefaults_serves_every_protocol_type_from_the_generated_context(Type type)
    {
        var info = JsonDefaults.Options.GetTypeInfo(type);
        Assert.Same(ProtocolJsonContext.Default, info.OriginatingResolver);
    }

    [Fact]
    public void Types_outside_the_context_are_refused_by_name_never_served_by_reflection()
    {
        // The ahead-of-time compiled CLI has no reflection-built serializers: a fallback would work in tests and
        // the module, and fail only in the published program.
        var refused = Assert.Throws<NotSupportedException>(() => JsonSerializer.Serialize(new Uri("http://x/"), JsonDefaults.Options));
        Assert.Contains("System.Uri", refused.Message);
        Assert.Throws<NotSupportedException>(() => JsonDefaults.Info<Uri>());
        Assert.Same(ProtocolJsonContext.Default.JobDto, JsonDefaults.Info<JobDto>());
    }

    [Fact]
    public void A_job_page_reads_and_writes_the_same_as_with_reflection()
    {
        const string page = """
            {"items":[{"id":"6f1c0c57-3c1f-4b8e-9a55-2f4d8f0b9a10","processor":"p:v1","profile":null,"status":"CLAIMED",
            "worker_id":"w","parameters":{"args":["a",1,true],"deep":{"x":[[]]}},"inputs":["x"],"timeout_seconds":"30",
            "progress":0.25,"output_artifact":{"id":"a1","name":"out","type":"dir","status":"COMMITTED"},
            "_links":{"self":{"href":"/api/hpc/jobs/6f1c","method":"GET"}}}],
            "count":1,"total_count":"1","limit":100,"offset":0}
            """;
        var generated = JsonSerializer.Deserialize<PagedList<JobDto>>(page, JsonDefaults.Options)!;
        var reflected = JsonSerializer.Deserialize<PagedList<JobDto>>(page, ReflectionOnly)!;

        Assert.Equal(30, generated.Items[0].TimeoutSeconds);
        Assert.Equal(JsonSerializer.Serialize(reflected, ReflectionOnly), JsonSerializer.Serialize(generated, JsonDefaults.Options));
        Assert.Equal(JsonSerializer.Serialize(reflected.Items[0], ReflectionOnly), JsonSerializer.Serialize(generated.Items[0], JsonDefaults.Options));
    }

    [Fact]
    public void Requests_omit_nulls_as_before()
    {
        var register = new RegisterWorkerRequest
        {
            WorkerId = "w", Hostname = null,
            Capabilities = [new CapabilityDto { Processor = "p", Profile = "default", MaxConcurrentJobs = null }],
        };
        var transition = new TransitionRequest { Status = "STARTED", Detail = "d" };
        Assert.Equal("""{"worker_id":"w","capabilities":[{"processor":"p","profile":"default"}]}""", JsonSerializer.Serialize(register, JsonDefaults.Options));
        Assert.Equal(JsonSerializer.Serialize(register, ReflectionOnly), JsonSerializer.Serialize(register, JsonDefaults.Options));
        Assert.Equal(JsonSerializer.Serialize(transition, ReflectionOnly), JsonSerializer.Serialize(transition, JsonDefaults.Options));
    }

    [Fact]
    public void Nesting_beyond_1000_levels_is_still_refused()
    {
        var deep = """{"id":"j","status":"PENDING","parameters":""" + new string('[', 1001) + new string(']', 1001) + "}";
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<JobDto>(deep, JsonDefaults.Options));
        Assert.NotNull(JsonSerializer.Deserialize<JobDto>("""{"id":"j","status":"PENDING","parameters":""" + new string('[', 990) + new string(']', 990) + "}", JsonDefaults.Options));
    }
}
