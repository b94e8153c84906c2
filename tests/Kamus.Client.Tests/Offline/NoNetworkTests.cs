using System.Diagnostics.Tracing;
using Kamus.Client.Offline;
using Kamus.Client.Tests.Server;
using Kamus.Testing;

namespace Kamus.Client.Tests.Offline;

/// <summary>
/// Offline encryption makes no network call: with the server stopped, every socket connection and DNS lookup the
/// process starts is recorded while values are encrypted, and there is none. Runs alone (no other test's traffic).
/// </summary>
[Collection(Name)]
public sealed class NoNetworkTests
{
    public const string Name = "No network";

    [Fact]
    public async Task Encrypting_with_a_saved_statement_opens_no_connection_and_the_server_decrypts_it_later()
    {
        // 1. Fetch the statement once and save it, as 'kamus publickey fetch' does; then stop the server.
        string json;
        string pin;
        await using (var server = await KamusServerHost.StartAsync(o => o.UseOfflineKeys()))
        {
            using var client = new KamusClient(ServerTestContext.Options(server.Url));
            json = (await client.GetPublicKeyStatementAsync("api", "team-a")).ToJson();
            pin = OfflineKeys.SignerFingerprint(server);
        }

        // 2. Encrypt with nothing running, watching the process's sockets and name resolution.
        string ciphertext;
        using (var network = new NetworkWatch())
        {
            var statement = KamusPublicKeyStatement.Parse(json);
            using var encryptor = KamusOfflineEncryptor.Create(statement, "team-a", "api", pin);
            ciphertext = encryptor.Encrypt("made on a plane");
            Assert.True(network.IsListening, "the sockets event source was not enabled, so the watch proves nothing");
            Assert.Empty(network.Events);
        }

        // 3. A server with the same keys (another replica, later) decrypts it for the account.
        await using var later = await KamusServerHost.StartAsync(o => o.UseOfflineKeys());
        later.StandIn.AddToken(ServerTestContext.TeamAToken, "team-a", "api");
        using var reader = new KamusClient(ServerTestContext.Options(later.Url));
        Assert.Equal("made on a plane", await reader.DecryptAsync(ciphertext));
    }

    /// <summary>Records the start of every socket connection and DNS lookup in the process (System.Net's own event sources).</summary>
    private sealed class NetworkWatch : EventListener
    {
        private readonly List<string> _events = [];

        public bool IsListening { get; private set; }

        public IReadOnlyList<string> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name is "System.Net.Sockets" or "System.Net.NameResolution" or "System.Net.Http")
            {
                EnableEvents(eventSource, EventLevel.Informational);
                IsListening |= eventSource.Name == "System.Net.Sockets";
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName is "ConnectStart" or "ResolutionStart" or "RequestStart")
            {
                lock (_events)
                {
                    _events.Add($"{eventData.EventSource.Name}/{eventData.EventName}");
                }
            }
        }
    }
}

[CollectionDefinition(NoNetworkTests.Name, DisableParallelization = true)]
public sealed class NoNetworkTestGroup;
