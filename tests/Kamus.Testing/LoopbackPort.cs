using System.Net;
using System.Net.Sockets;

namespace Kamus.Testing;

/// <summary>Ports on 127.0.0.1 for tests of a server that is not there.</summary>
public static class LoopbackPort
{
    /// <summary>
    /// A port that was free a moment ago and where nothing listens now: connecting to it is refused. (Another process
    /// could take it in between; on a test machine that is rare enough, and the failure would be loud, not a false pass.)
    /// </summary>
    public static int Unused()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
