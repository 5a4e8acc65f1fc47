namespace Emx2Hpc.Core.Emx2;

/// <summary>The server answered, but not in the protocol's terms: a 2xx body that does not parse or lacks
/// required fields, an upload acknowledgement for different bytes, an unexpected redirect or status, or a
/// download whose bytes do not match X-Content-SHA256. Points at a proxy, a wrong base URL or a server bug.</summary>
public sealed class Emx2ProtocolException(Emx2ErrorInfo info, string? hint = null, Exception? inner = null)
    : Emx2ApiException(info, hint, inner);
