using Kamus.Testing.Faults;
using Kamus.Testing;

namespace Kamus.Client.Tests.Server;

public sealed class FastPathTests : IAsyncLifetime
{
    private readonly ServerTestContext _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_thousand_values_sharing_one_wrapped_key_cost_one_remote_call()
    {
        using var client = new KamusClient(ServerTestContext.Options(_server.Host.Url));
        var items = Enumerable.Range(0, 1000).ToDictionary(i => $"Secret:{i}", i => $"value-{i}-é");
        var encrypted = await client.EncryptManyAsync("api", "team-a", items);
        var names = items.Keys.ToArray();
        var ciphertexts = names.Select(n => encrypted[n]).ToArray();
        Assert.All(ciphertexts, c => Assert.StartsWith("k2e.", c, StringComparison.Ordinal));
        _server.Host.ResetCounts();

        var outcomes = await client.DecryptManyAsync(ciphertexts);

        Assert.Equal(names.Select(n => items[n]), outcomes.Select(o => o.Plaintext));
        Assert.Equal(1, _server.Host.RequestCount("/api/v2/decrypt"));
        Assert.Equal(0, _server.Host.RequestCount("/api/v1/decrypt"));
        Assert.Equal(1, client.CachedDataKeys);

        // The key is cached: decrypting again costs no remote call at all.
        var again = await client.DecryptManyAsync(ciphertexts);
        Assert.All(again, o => Assert.True(o.Succeeded));
        Assert.Equal(1, _server.Host.RequestCount("/api/v2/decrypt"));
    }

    [Fact]
    public async Task Every_upstream_envelope_vector_goes_through_the_fast_path()
    {
        foreach (var group in CompatVectors.All.Where(v => v.IsEnvelope).GroupBy(ServerTestContext.TokenFor))
        {
            using var client = new KamusClient(ServerTestContext.Options(_server.Host.Url, group.Key));
            var vectors = group.ToArray();
            _server.Host.ResetCounts();

            var outcomes = await client.DecryptManyAsync([.. vectors.Select(v => v.Ciphertext)]);

            Assert.Equal(vectors.Select(v => v.Plaintext), outcomes.Select(o => o.Plaintext));
            Assert.Equal(1, _server.Host.RequestCount("/api/v2/decrypt"));
            Assert.Equal(vectors.Length, client.CachedDataKeys); // one unwrapped key per envelope: decrypted locally

            await client.DecryptManyAsync([.. vectors.Select(v => v.Ciphertext)]);
            Assert.Equal(1, _server.Host.RequestCount("/api/v2/decrypt"));
        }
    }

    [Fact]
    public async Task A_mixed_batch_keeps_order_de_duplicates_and_reports_every_failure()
    {
        using var client = new KamusClient(ServerTestContext.Options(_server.Host.Url));
        var teamA = CompatVectors.All.Where(v => v.Namespace == "team-a").ToArray();
        var other = CompatVectors.All.First(v => v.Namespace != "team-a");
        var fresh = await client.EncryptAsync("fresh-value", "api", "team-a");
        string[] input = [teamA[0].Ciphertext, "not a ciphertext", teamA[1].Ciphertext, other.Ciphertext, teamA[0].Ciphertext, fresh, teamA[1].Ciphertext];
        _server.Host.ResetCounts();

        var outcomes = await client.DecryptManyAsync(input);

        Assert.Equal(input.Length, outcomes.Count);
        Assert.Equal(teamA[0].Plaintext, outcomes[0].Plaintext);
        Assert.Equal(KamusErrorKind.InvalidCiphertext, outcomes[1].ErrorKind);
        Assert.Equal(teamA[1].Plaintext, outcomes[2].Plaintext);
        Assert.Equal(KamusErrorKind.Forbidden, outcomes[3].ErrorKind);
        Assert.Equal(teamA[0].Plaintext, outcomes[4].Plaintext);
        Assert.Equal("fresh-value", outcomes[5].Plaintext);
        Assert.Equal(teamA[1].Plaintext, outcomes[6].Plaintext);
        Assert.Equal(1, _server.Host.RequestCount("/api/v2/decrypt"));
        Assert.Throws<KamusException>(() => outcomes[3].Plaintext);
    }

    [Fact]
    public async Task Single_values_round_trip()
    {
        using var client = new KamusClient(ServerTestContext.Options(_server.Host.Url));
        var ciphertext = await client.EncryptAsync("p@ss:w0rd \"quoted\" ✓", "api", "team-a");

        Assert.Equal("p@ss:w0rd \"quoted\" ✓", await client.DecryptAsync(ciphertext));
        var forbidden = await Assert.ThrowsAsync<KamusException>(() => client.DecryptAsync(CompatVectors.All.First(v => v.Namespace != "team-a").Ciphertext));
        Assert.Equal(KamusErrorKind.Forbidden, forbidden.Kind);
        Assert.NotNull(forbidden.CiphertextFingerprint);
    }

    [Fact]
    public async Task A_decryptor_that_refuses_bare_keys_gets_whole_values_and_the_fast_path_stops()
    {
        // An upstream AWS-KMS decryptor: no /api/v2, and 400 for anything that is not a whole envelope.
        await using var aws = await FaultProxy.StartAsync(_server.Host.Url);
        aws.Rule = (path, body) => path.StartsWith("/api/v2/", StringComparison.Ordinal) ? Fault.WithStatus(404)
            : path == "/api/v1/decrypt" && !body.Contains("env$", StringComparison.Ordinal) ? Fault.WithStatus(400)
            : null;
        var vectors = CompatVectors.All.Where(v => v.IsEnvelope && v.Namespace == "team-a").ToArray();
        using var client = new KamusClient(ServerTestContext.Options(aws.Url));

        var outcomes = await client.DecryptManyAsync([.. vectors.Select(v => v.Ciphertext)]);

        Assert.Equal(vectors.Select(v => v.Plaintext), outcomes.Select(o => o.Plaintext));
        Assert.True(client.IsUpstreamServer);
        Assert.False(client.IsEnvelopeFastPathActive);
        var calls = aws.RequestCount("/api/v1/decrypt");
        Assert.Equal(vectors.Length * 2, calls); // one refused key and one whole value each

        var again = await client.DecryptManyAsync([.. vectors.Select(v => v.Ciphertext)]);
        Assert.All(again, o => Assert.True(o.Succeeded));
        Assert.Equal(calls + vectors.Length, aws.RequestCount("/api/v1/decrypt")); // whole values only now
    }

    [Fact]
    public async Task Against_a_server_without_v2_it_decrypts_per_value_and_remembers()
    {
        await using var upstream = await FaultProxy.StartAsync(_server.Host.Url);
        upstream.Rule = (path, _) => path.StartsWith("/api/v2/", StringComparison.Ordinal) ? Fault.WithStatus(404) : null;
        var vectors = CompatVectors.All.Where(v => !v.IsEnvelope && v.Namespace == "team-a").ToArray();
        using var client = new KamusClient(ServerTestContext.Options(upstream.Url));

        var outcomes = await client.DecryptManyAsync([.. vectors.Select(v => v.Ciphertext)]);
        Assert.Equal(vectors.Select(v => v.Plaintext), outcomes.Select(o => o.Plaintext));
        Assert.Equal(1, upstream.RequestCount("/api/v2/decrypt"));
        Assert.Equal(vectors.Length, upstream.RequestCount("/api/v1/decrypt"));

        var encrypted = await client.EncryptManyAsync("api", "team-a", new Dictionary<string, string> { ["a"] = "alpha", ["b"] = "beta" });
        Assert.Equal(0, upstream.RequestCount("/api/v2/encrypt")); // remembered: no v2 attempt any more
        Assert.Equal(2, upstream.RequestCount("/api/v1/encrypt"));
        var back = await client.DecryptManyAsync([encrypted["a"], encrypted["b"]]);
        Assert.Equal(["alpha", "beta"], back.Select(o => o.Plaintext));
        Assert.Equal(1, upstream.RequestCount("/api/v2/decrypt"));
    }
}
