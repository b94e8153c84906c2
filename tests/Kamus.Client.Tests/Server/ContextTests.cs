namespace Kamus.Client.Tests.Server;

/// <summary>The client binding values to contexts and reading them in their contexts, against the real server.</summary>
public sealed class ContextTests : IAsyncLifetime
{
    private readonly ServerTestContext _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Bound_values_decrypt_only_in_their_own_context_locally_and_remotely(bool fastPath)
    {
        var options = ServerTestContext.Options(_server.Host.Url);
        options.EnableEnvelopeFastPath = fastPath;
        using var client = new KamusClient(options);
        var items = new Dictionary<string, string> { ["Db:Password"] = "db-pw", ["Api:Key"] = "api-key", ["Plain"] = "plain" };
        var contexts = new Dictionary<string, string>
        {
            ["Db:Password"] = KamusContext.ForConfigurationKey("Db:Password"),
            ["Api:Key"] = KamusContext.ForConfigurationKey("Api:Key"),
        };
        var encrypted = await client.EncryptManyAsync("api", "team-a", items, contexts, CancellationToken.None);
        Assert.Equal("config:Db:Password", KamusContext.Of(encrypted["Db:Password"]));
        Assert.Null(KamusContext.Of(encrypted["Plain"]));
        _server.Host.ResetCounts();

        // The same value read in its own key, in the other key (a swap, refused unsent), and without naming a key (no
        // check); a value under its key in another case; the unbound one anywhere.
        var outcomes = await client.DecryptManyAsync(
            [encrypted["Db:Password"], encrypted["Db:Password"], encrypted["Db:Password"], encrypted["Api:Key"], encrypted["Plain"]],
            [contexts["Db:Password"], contexts["Api:Key"], null, KamusContext.ForConfigurationKey("API:KEY"), contexts["Db:Password"]], CancellationToken.None);

        Assert.Equal("db-pw", outcomes[0].Plaintext);
        Assert.Equal(KamusErrorKind.InvalidCiphertext, outcomes[1].ErrorKind);
        Assert.Contains("bound to config:Db:Password, not to config:Api:Key", outcomes[1].Error!.Message, StringComparison.Ordinal);
        Assert.Equal("db-pw", outcomes[2].Plaintext);
        Assert.Equal("api-key", outcomes[3].Plaintext);
        Assert.Equal("plain", outcomes[4].Plaintext);
        Assert.Equal(1, _server.Host.RequestCount("/api/v2/decrypt"));
    }

    [Fact]
    public async Task A_value_whose_text_claims_another_context_does_not_open()
    {
        using var client = new KamusClient(ServerTestContext.Options(_server.Host.Url));
        var value = (await client.EncryptManyAsync("api", "team-a", new Dictionary<string, string> { ["x"] = "x" }, new Dictionary<string, string> { ["x"] = "config:A" }, CancellationToken.None))["x"];

        // Relabel it for the key it is to be moved to: the context is authenticated, so the server refuses it.
        var relabelled = value.Replace(
            System.Buffers.Text.Base64Url.EncodeToString("config:A"u8),
            System.Buffers.Text.Base64Url.EncodeToString("config:B"u8),
            StringComparison.Ordinal);
        var outcome = (await client.DecryptManyAsync([relabelled], ["config:B"], CancellationToken.None))[0];

        // The context is in the payload's authenticated data: the shared data key opens, the payload does not.
        Assert.NotEqual(value, relabelled);
        Assert.False(outcome.Succeeded);
        Assert.Equal(KamusErrorKind.InvalidCiphertext, outcome.ErrorKind);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Fifty_config_bound_values_of_one_batch_share_one_wrapped_key_and_cost_one_call_and_one_unwrap(bool fastPath)
    {
        var options = ServerTestContext.Options(_server.Host.Url);
        options.EnableEnvelopeFastPath = fastPath;
        using var client = new KamusClient(options);
        var items = Enumerable.Range(0, 50).ToDictionary(i => $"Secrets:{i}", i => $"value-{i}");
        var contexts = items.Keys.ToDictionary(key => key, KamusContext.ForConfigurationKey);
        var encrypted = await client.EncryptManyAsync("api", "team-a", items, contexts, CancellationToken.None);
        var names = items.Keys.ToArray();
        var wrappedKeys = names.Select(n => Kamus.Wire.Formats.CiphertextParser.Parse(encrypted[n]).WrappedKey).Distinct().ToArray();
        Assert.Single(wrappedKeys);
        _server.Host.ResetCounts();
        using var calls = new Kamus.Testing.Metrics.KeyProviderCalls(_server.Host);

        var outcomes = await client.DecryptManyAsync([.. names.Select(n => encrypted[n])], [.. names.Select(n => contexts[n])], CancellationToken.None);

        Assert.Equal(names.Select(n => items[n]), outcomes.Select(o => o.Plaintext));
        Assert.Equal(1, _server.Host.RequestCount("/api/v2/decrypt"));
        Assert.Equal(0, _server.Host.RequestCount("/api/v1/decrypt"));
        Assert.Equal(1, calls.Unwraps);
        Assert.Equal(fastPath ? 1 : 0, client.CachedDataKeys);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_value_bound_in_the_old_layout_still_decrypts_in_its_context_and_is_refused_in_another(bool fastPath)
    {
        const string Token = "token-ns-a-sa1-0123456789";
        _server.Host.StandIn.AddToken(Token, Kamus.Testing.OldBoundValues.Namespace, Kamus.Testing.OldBoundValues.ServiceAccount);
        var options = ServerTestContext.Options(_server.Host.Url, Token);
        options.EnableEnvelopeFastPath = fastPath;
        using var client = new KamusClient(options);

        var outcomes = await client.DecryptManyAsync(
            [Kamus.Testing.OldBoundValues.ConfigValue, Kamus.Testing.OldBoundValues.ConfigValue],
            [Kamus.Testing.OldBoundValues.ConfigContext, "config:Elsewhere"],
            CancellationToken.None);

        Assert.Equal(Kamus.Testing.OldBoundValues.ConfigPlaintext, outcomes[0].Plaintext);
        Assert.Contains("not to config:Elsewhere", outcomes[1].Error!.Message, StringComparison.Ordinal);
        Assert.Equal(fastPath ? 1 : 0, client.CachedDataKeys);
    }

    [Fact]
    public async Task Contexts_must_match_the_values_one_to_one()
    {
        using var client = new KamusClient(ServerTestContext.Options(_server.Host.Url));

        await Assert.ThrowsAsync<ArgumentException>(() => client.DecryptManyAsync(["a", "b"], ["config:a"], CancellationToken.None));
        var error = await Assert.ThrowsAsync<KamusException>(() => client.EncryptManyAsync("api", "team-a", new Dictionary<string, string> { ["a"] = "1" }, new Dictionary<string, string> { ["b"] = "config:b" }, CancellationToken.None));
        Assert.Equal(KamusErrorKind.InvalidRequest, error.Kind);
    }
}
