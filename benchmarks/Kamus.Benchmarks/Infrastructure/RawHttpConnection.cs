using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Kamus.Benchmarks.Infrastructure;

/// <summary>
/// One keep-alive HTTP/1.1 connection with blocking socket calls, a request prepared once as bytes, and one reusable
/// receive buffer: sending a request and reading its answer allocates nothing. That keeps the client's own allocations
/// (measured per thread and subtracted anyway) out of the server's figures. One request in flight at a time.
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] ChunkedEnd = "\r\n0\r\n\r\n"u8.ToArray();
    private static readonly byte[] ContentLength = "content-length:"u8.ToArray();

    private readonly Socket _socket;
    private readonly byte[] _request;
    private readonly byte[] _buffer = new byte[64 * 1024];

    public RawHttpConnection(Uri server, string path, string bearerToken, string jsonBody)
    {
        var body = Encoding.UTF8.GetBytes(jsonBody);
        var head = $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nAuthorization: Bearer {bearerToken}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
        _request = [.. Encoding.ASCII.GetBytes(head), .. body];
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Connect(new IPEndPoint(IPAddress.Parse(server.Host), server.Port));
    }

    /// <summary>Sends the request and reads the whole answer.</summary>
    /// <returns>The status code; the body is <see cref="LastBody"/> until the next call.</returns>
    public int Send()
    {
        var sent = 0;
        while (sent < _request.Length)
        {
            sent += _socket.Send(_request, sent, _request.Length - sent, SocketFlags.None);
        }

        var received = 0;
        var headerEnd = -1;
        while (true)
        {
            var read = _socket.Receive(_buffer, received, _buffer.Length - received, SocketFlags.None);
            if (read == 0)
            {
                throw new IOException("The server closed the connection.");
            }

            received += read;
            var data = _buffer.AsSpan(0, received);
            if (headerEnd < 0)
            {
                var index = data.IndexOf(HeaderEnd);
                if (index < 0)
                {
                    continue;
                }

                headerEnd = index + HeaderEnd.Length;
            }

            if (IsComplete(data, headerEnd, out var bodyStart, out var bodyLength))
            {
                LastBodyStart = bodyStart;
                LastBodyLength = bodyLength;
                return ((_buffer[9] - '0') * 100) + ((_buffer[10] - '0') * 10) + (_buffer[11] - '0');
            }
        }
    }

    /// <summary>The start of the last answer's body in the buffer (chunked bodies include their framing).</summary>
    public int LastBodyStart { get; private set; }

    /// <summary>The length of the last answer's body.</summary>
    public int LastBodyLength { get; private set; }

    /// <summary>The last answer's body as text (allocates: for checks only).</summary>
    public string LastBody => Encoding.UTF8.GetString(_buffer, LastBodyStart, LastBodyLength);

    public void Dispose() => _socket.Dispose();

    private static bool IsComplete(ReadOnlySpan<byte> data, int headerEnd, out int bodyStart, out int bodyLength)
    {
        bodyStart = headerEnd;
        bodyLength = data.Length - headerEnd;
        var headers = data[..headerEnd];
        var at = IndexOfIgnoreCase(headers, ContentLength);
        if (at >= 0)
        {
            var value = headers[(at + ContentLength.Length)..];
            var length = 0;
            var i = 0;
            while (i < value.Length && value[i] == ' ')
            {
                i++;
            }

            for (; i < value.Length && value[i] is >= (byte)'0' and <= (byte)'9'; i++)
            {
                length = (length * 10) + (value[i] - '0');
            }

            bodyLength = length;
            return data.Length - headerEnd >= length;
        }

        // Chunked: one request in flight, so the answer ends where the terminating chunk ends.
        return data.EndsWith(ChunkedEnd) || (data.Length - headerEnd == 5 && data[headerEnd..].SequenceEqual("0\r\n\r\n"u8));
    }

    private static int IndexOfIgnoreCase(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> lowerNeedle)
    {
        for (var i = 0; i + lowerNeedle.Length <= haystack.Length; i++)
        {
            var match = true;
            for (var j = 0; j < lowerNeedle.Length && match; j++)
            {
                match = (haystack[i + j] | 0x20) == lowerNeedle[j] || haystack[i + j] == lowerNeedle[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }
}
