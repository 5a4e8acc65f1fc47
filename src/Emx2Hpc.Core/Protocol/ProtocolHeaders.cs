namespace Emx2Hpc.Core.Protocol;

/// <summary>Header names exactly as they travel on the wire.</summary>
public static class ProtocolHeaders
{
    public const string ApiVersion = "X-EMX2-API-Version";
    public const string RequestId = "X-Request-Id";
    public const string TraceId = "X-Trace-Id";
    public const string Timestamp = "X-Timestamp";
    public const string Nonce = "X-Nonce";
    public const string WorkerId = "X-Worker-Id";
    public const string ContentSha256 = "Content-SHA256";
    public const string MolgenisToken = "x-molgenis-token";
    public const string TotalCount = "X-Total-Count";
    public const string DownloadContentSha256 = "X-Content-SHA256";

    public static readonly IReadOnlyList<string> Required = [ApiVersion, RequestId, Timestamp];
    public static readonly IReadOnlyList<string> Optional = [TraceId, Nonce, WorkerId];
    public static readonly IReadOnlyList<string> BinaryBody = [ContentSha256];
}
