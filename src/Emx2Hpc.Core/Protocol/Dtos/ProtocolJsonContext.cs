using System.Text.Json.Serialization;

namespace Emx2Hpc.Core.Protocol.Dtos;

/// <summary>Serialization code for every body the worker sends to or reads from EMX2, generated at compile time.
/// With reflection, the first use of each DTO built its converters at run time, and in a cron cycle that is nearly
/// every use: the idle cycle spent more time compiling serializers than talking to EMX2 (bench/README.md).
/// <see cref="JsonDefaults.Options"/> consults this context first, so every existing call site benefits.</summary>
/// <remarks>The settings repeat <see cref="JsonDefaults.Options"/>: a context carries its own options, and
/// ProtocolJsonContextTests checks that both agree.</remarks>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    PropertyNameCaseInsensitive = false,
    MaxDepth = 1000)]
// Requests
[JsonSerializable(typeof(RegisterWorkerRequest))]
[JsonSerializable(typeof(ClaimRequest))]
[JsonSerializable(typeof(TransitionRequest))]
[JsonSerializable(typeof(CreateJobRequest))]
[JsonSerializable(typeof(CreateArtifactRequest))]
[JsonSerializable(typeof(FileMetadataRequest))]
[JsonSerializable(typeof(CommitRequest))]
[JsonSerializable(typeof(IssueCredentialRequest))]
// Responses
[JsonSerializable(typeof(WorkerRegistrationDto))]
[JsonSerializable(typeof(HeartbeatDto))]
[JsonSerializable(typeof(HealthDto))]
[JsonSerializable(typeof(JobDto))]
[JsonSerializable(typeof(PagedList<JobDto>))]
[JsonSerializable(typeof(CreatedJobDto))]
[JsonSerializable(typeof(ItemList<TransitionDto>))]
[JsonSerializable(typeof(ArtifactDto))]
[JsonSerializable(typeof(CreatedArtifactDto))]
[JsonSerializable(typeof(PagedList<ArtifactFileDto>))]
[JsonSerializable(typeof(FileUploadResultDto))]
[JsonSerializable(typeof(CredentialDto))]
[JsonSerializable(typeof(IssuedCredentialDto))]
[JsonSerializable(typeof(ItemList<CredentialDto>))]
[JsonSerializable(typeof(ProblemDetail))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
