using System.Net.Sockets;
using System.Text;
using Kamus.Testing;

namespace Kamus.Server.Tests;

/// <summary>Kestrel's own logs of malformed requests, at every level a deployment could turn on.</summary>
public sealed class KestrelLogTests
{
    private const string Token = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu.KESTREL-CANARY-7f3a";

    [Theory]
    [InlineData("Authorization : Bearer " + Token + "\r\n")]
    [InlineData("Authorization Bearer " + Token + "\r\n")]
    public async Task A_malformed_authorization_header_is_never_logged_even_at_trace(string headerLine)
    {
        await using var host = await KamusServerHost.StartAsync(o =>
        {
            o.Settings["Logging:LogLevel:Microsoft"] = "Trace";
            o.Settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace";
            o.Settings["Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel"] = "Trace";
            o.Settings["Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel.BadRequests"] = "Trace";
        });

        var answer = await SendRawAsync(host.Url, "POST /api/v1/decrypt HTTP/1.1\r\nHost: localhost\r\n" + headerLine + "Content-Length: 2\r\n\r\n{}");

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        var records = host.Logs.GetSnapshot();
        Assert.NotEmpty(records);
        Assert.All(records, r =>
        {
            var text = $"{r.Message} {r.Exception} {string.Join(",", r.StructuredState ?? [])}";
            Assert.DoesNotContain("KESTREL-CANARY", text, StringComparison.Ordinal);
            Assert.DoesNotContain("c2VjcmV0LXRva2Vu", text, StringComparison.Ordinal);
        });
    }

    private static async Task<string> SendRawAsync(Uri url, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(url.Host, url.Port);
        using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = await stream.ReadAsync(buffer, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}
