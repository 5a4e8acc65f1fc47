using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Emx2Hpc.Tests.Unit.Staging;

/// <summary>Creates the non-regular files a workload could leave behind (Linux test hosts).</summary>
internal static class SpecialFiles
{
    public static void Fifo(string path)
    {
        if (mkfifo(path, Convert.ToUInt32("644", 8)) != 0)
            throw new IOException($"mkfifo failed (errno {Marshal.GetLastPInvokeError()})");
    }

    /// <summary>Binds a Unix socket at path; the socket file exists until the returned socket is disposed.</summary>
    public static Socket Socket(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}
