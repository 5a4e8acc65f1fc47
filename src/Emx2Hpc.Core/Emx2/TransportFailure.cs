using System.Net.Sockets;
using System.Security.Authentication;

namespace Emx2Hpc.Core.Emx2;

/// <summary>Classifies an exception thrown while sending a request or reading its response, to decide whether
/// the server may have seen the request (and so whether a non-idempotent call may be repeated).</summary>
internal static class TransportFailure
{
    /// <summary>True for failures of the transport (network, TLS, timeouts); false for everything else, which
    /// must propagate unchanged (programming errors, caller cancellation, local file problems).</summary>
    public static bool IsTransport(Exception ex) => ex is HttpRequestException or IOException or TimeoutException
        && ex is not FileNotFoundException and not DirectoryNotFoundException and not UnauthorizedAccessException;

    /// <summary>True only when the request cannot have reached the server: the connection was never established
    /// (refused, DNS, TLS handshake, proxy tunnel). Anything later (reset, EOF, timeout) may have been processed.</summary>
    public static bool ProvablyUnsent(Exception ex)
    {
        if (ex is HttpRequestException http)
        {
            if (http.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError)
                return true;
        }
        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound
                    or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TryAgain })
                return true;
            if (inner is AuthenticationException) return true;
        }
        return false;
    }

    /// <summary>Short operator-facing description ("connection refused", "timed out after 30 s").</summary>
    public static string Describe(Exception ex)
    {
        for (var inner = ex; inner is not null; inner = inner.InnerException)
            if (inner is SocketException se)
                return se.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostNotFound or SocketError.TryAgain => "host name could not be resolved (DNS)",
                    SocketError.ConnectionReset => "connection reset",
                    SocketError.TimedOut => "connection timed out",
                    _ => se.Message,
                };
        if (ex is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }) return "host name could not be resolved (DNS)";
        if (ex is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }) return "TLS handshake failed: " + ex.Message;
        return ex.Message;
    }
}
