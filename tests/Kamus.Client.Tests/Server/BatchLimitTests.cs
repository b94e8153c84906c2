namespace Kamus.Client.Tests.Server;

/// <summary>Batches are split to fit the server's limits, and a value that cannot fit fails here, unsent.</summary>
public sealed class BatchLimitTests : IAsyncLifetime
{
    private readonly ServerTestContext _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_batch_larger_than_MaxBatchItems_is_split_into_calls_the_server_accepts()
    {
        var options = ServerTestContext.Options(_server.Host.Url);
        options.MaxBatchItems = 2;
        options.EnableEnvelopeFastPath = false;
        using var client = new KamusClient(options);
        string[] plaintexts = ["a", "b", "c", "d", "e"];
        var ciphertexts = new List<string>();
        foreach (var plaintext in plaintexts)
        {
            ciphertexts.Add(await client.EncryptAsync(plaintext, "api", "team-a"));
        }

        _server.Host.ResetCounts();
        var outcomes = await client.DecryptManyAsync(ciphertexts);

        Assert.Equal(plaintexts, outcomes.Select(o => o.Plaintext));
        Assert.Equal(3, _server.Host.RequestCount("/api/v2/decrypt"));
    }

    [Fact]
    public async Task A_batch_larger_than_MaxRequestBytes_is_split_and_an_oversized_value_fails_locally()
    {
        var options = ServerTestContext.Options(_server.Host.Url);
        options.MaxRequestBytes = 4096;
        options.EnableEnvelopeFastPath = false;
        using var client = new KamusClient(options);
        var small = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            small.Add(await client.EncryptAsync($"value-{i}", "api", "team-a"));
        }

        var oversized = "k2." + new string('A', 5000);
        _server.Host.ResetCounts();

        var outcomes = await client.DecryptManyAsync([.. small, oversized]);

        Assert.All(outcomes.Take(100), o => Assert.True(o.Succeeded));
        Assert.True(_server.Host.RequestCount("/api/v2/decrypt") > 1, "the batch was split by size");
        var refused = outcomes[^1];
        Assert.Equal(KamusErrorKind.PayloadTooLarge, refused.ErrorKind);
        Assert.Contains("was not sent", refused.Error!.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Decrypting {refused.Fingerprint} failed: ", refused.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_wrapped_key_fails_its_envelopes_with_one_Decrypting_prefix()
    {
        using var encryptor = new KamusClient(ServerTestContext.Options(_server.Host.Url));
        var envelopes = await encryptor.EncryptManyAsync("other", "team-a", new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" });
        using var client = new KamusClient(ServerTestContext.Options(_server.Host.Url));

        var outcomes = await client.DecryptManyAsync([.. envelopes.Values]);

        Assert.All(outcomes, o =>
        {
            Assert.Equal(KamusErrorKind.Forbidden, o.ErrorKind);
            Assert.StartsWith($"Decrypting {o.Fingerprint} failed: ", o.Error!.Message, StringComparison.Ordinal);
            Assert.Equal(1, CountOf("Decrypting ", o.Error.Message));
            Assert.Equal(o.Fingerprint, o.Error.CiphertextFingerprint);
        });
    }

    private static int CountOf(string part, string text)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
