using System.Globalization;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Model;
using Microsoft.AspNetCore.Http;

namespace Emx2Hpc.Emulator.Pipeline;

/// <summary>Steps 2–5 of the server's before-handler (SERVER-SPEC §2): format checks only, in this order, first
/// failure wins. No clock-window check here: that belongs to HMAC verification.</summary>
internal static class HeaderValidator
{
    /// <returns>The 400 detail, or null when the headers are acceptable.</returns>
    public static string? Validate(IHeaderDictionary headers)
    {
        var version = headers[ProtocolHeaders.ApiVersion].ToString();
        if (string.IsNullOrWhiteSpace(version))
            return $"Missing required header {ProtocolHeaders.ApiVersion}; expected {ProtocolConstants.ApiVersion}";
        if (version != ProtocolConstants.ApiVersion)
            return $"Unsupported API version '{version}'; this server supports {ProtocolConstants.ApiVersion}. Update your daemon.";
        var requestId = headers[ProtocolHeaders.RequestId].ToString();
        if (string.IsNullOrWhiteSpace(requestId)) return $"Missing required header: {ProtocolHeaders.RequestId}";
        if (!JavaUuid.IsValid(requestId)) return $"Invalid {ProtocolHeaders.RequestId} format: expected UUID";
        var timestamp = headers[ProtocolHeaders.Timestamp].ToString();
        if (string.IsNullOrWhiteSpace(timestamp)) return $"Missing required header: {ProtocolHeaders.Timestamp}";
        if (!TryParseTimestamp(timestamp, out _)) return $"Invalid {ProtocolHeaders.Timestamp} format: expected unix epoch seconds";
        return null;
    }

    /// <summary>Long.parseLong semantics (optional sign, digits), and not negative.</summary>
    public static bool TryParseTimestamp(string text, out long seconds) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seconds) && seconds >= 0;
}
