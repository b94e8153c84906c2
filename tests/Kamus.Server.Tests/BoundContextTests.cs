using System.Net;
using Kamus.KeyManagement.Ciphertexts;
using Kamus.Testing;
using Kamus.Testing.Metrics;
using Kamus.Wire.Formats;
using Kamus.Wire.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Kamus.Server.Tests;

/// <summary>
/// Values bound to a context (docs/formats.md, "Bound context"): a KamusSecret-bound value is made by /api/v2/encrypt,
/// refused by every pod-facing decrypt path, and opened by the controller's path only for its own KamusSecret key.
/// </summary>
public sealed class BoundContextTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Bound = "kamussecret:ns-a/db/password";

    private RawKamusApi Api => fixture.Api;

    [Fact]
    public async Task Encrypt_binds_the_named_items_and_leaves_the_others_unbound()
    {
        var items = await Api.EncryptManyOkAsync("sa1", "ns-a",
            new Dictionary<string, string> { ["password"] = "p4ss", ["user"] = "app", ["url"] = "db:5432" },
            new Dictionary<string, string> { ["password"] = Bound, ["user"] = "kamussecret:ns-a/db/user" });

        Assert.Equal(Bound, CiphertextParser.Parse(items["password"]).Context);
        Assert.Equal("kamussecret:ns-a/db/user", CiphertextParser.Parse(items["user"]).Context);
        Assert.Null(CiphertextParser.Parse(items["url"]).Context);

        // Each context has a data key of its own: a bound key never opens another item.
        Assert.NotEqual(CiphertextParser.Parse(items["password"]).WrappedKey, CiphertextParser.Parse(items["user"]).WrappedKey);
        Assert.Equal((HttpStatusCode.OK, "db:5432"), await Api.DecryptTextAsync(ServerFixture.TokenA1, items["url"]));
    }

    [Fact]
    public async Task Every_pod_facing_decrypt_path_refuses_a_KamusSecret_bound_value_even_for_its_own_service_account()
    {
        var value = (await Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["password"] = "p4ss" }, new Dictionary<string, string> { ["password"] = Bound }))["password"];
        var wrappedKey = CiphertextParser.Parse(value).WrappedKey!;

        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), await Api.DecryptTextAsync(ServerFixture.TokenA1, value));
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), await Api.DecryptTextAsync(ServerFixture.TokenA1, wrappedKey));
        var batch = await Api.DecryptManyOkAsync(ServerFixture.TokenA1, [value, wrappedKey]);
        Assert.All(batch, item => Assert.Equal((null, "Forbidden"), item));
    }

    [Fact]
    public async Task A_config_bound_value_decrypts_for_its_service_account_with_its_context_authenticated()
    {
        var value = (await Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["db"] = "s3cret" }, new Dictionary<string, string> { ["db"] = "config:ConnectionStrings:Db" }))["db"];

        Assert.Equal((HttpStatusCode.OK, "s3cret"), await Api.DecryptTextAsync(ServerFixture.TokenA1, value));
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), await Api.DecryptTextAsync(ServerFixture.TokenA2, value));

        // Relabelling the context in the text (here to another config key) breaks the payload's authenticated data; so
        // does stripping it, or claiming it is bound in the data key's seal ('~').
        var segment = CiphertextContext.Segment("k0", "config:ConnectionStrings:Db", inPayload: true);
        Assert.Contains(segment, value, StringComparison.Ordinal);
        foreach (var replacement in new[] { CiphertextContext.Segment("k0", "config:ConnectionStrings:Xy", inPayload: true), "k0", CiphertextContext.Segment("k0", "config:ConnectionStrings:Db") })
        {
            var (status, body) = await Api.DecryptTextAsync(ServerFixture.TokenA1, value.Replace(segment, replacement, StringComparison.Ordinal));
            Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, $"{replacement}: {status}");
            Assert.DoesNotContain("s3cret", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Config_bound_and_unbound_values_of_a_batch_share_one_data_key_wrapped_once_and_KamusSecret_ones_get_one_each()
    {
        var items = Enumerable.Range(0, 50).ToDictionary(i => $"Config:{i}", i => $"value-{i}");
        items["Plain"] = "plain";
        items["Password"] = "p4ss";
        items["User"] = "app";
        var contexts = Enumerable.Range(0, 50).ToDictionary(i => $"Config:{i}", i => $"config:Config:{i}");
        contexts["Password"] = Bound;
        contexts["User"] = "kamussecret:ns-a/db/user";
        using var calls = new KeyProviderCalls(fixture.Host);

        var encrypted = await Api.EncryptManyOkAsync("sa1", "ns-a", items, contexts);

        Assert.Equal(3, calls.Wraps);
        var shared = CiphertextParser.Parse(encrypted["Plain"]).WrappedKey;
        Assert.All(Enumerable.Range(0, 50), i =>
        {
            var parsed = CiphertextParser.Parse(encrypted[$"Config:{i}"]);
            Assert.Equal($"config:Config:{i}", parsed.Context);
            Assert.True(parsed.ContextInPayload);
            Assert.Equal(shared, parsed.WrappedKey);
        });
        Assert.False(CiphertextParser.Parse(encrypted["Password"]).ContextInPayload);
        Assert.NotEqual(shared, CiphertextParser.Parse(encrypted["Password"]).WrappedKey);
        Assert.NotEqual(CiphertextParser.Parse(encrypted["User"]).WrappedKey, CiphertextParser.Parse(encrypted["Password"]).WrappedKey);

        // One decrypt call of all 50 (and the unbound one) unwraps the shared data key once.
        calls.Clear();
        var values = Enumerable.Range(0, 50).Select(i => encrypted[$"Config:{i}"]).Append(encrypted["Plain"]).ToArray();
        var answers = await Api.DecryptManyOkAsync(ServerFixture.TokenA1, values);

        Assert.Equal(Enumerable.Range(0, 50).Select(i => ((string?)$"value-{i}", (string?)null)).Append(("plain", null)), answers);
        Assert.Equal(1, calls.Unwraps);
    }

    [Fact]
    public async Task A_value_bound_in_the_old_layout_still_decrypts_and_a_KamusSecret_one_is_still_refused_to_pods()
    {
        Assert.Equal((HttpStatusCode.OK, OldBoundValues.ConfigPlaintext), await Api.DecryptTextAsync(ServerFixture.TokenA1, OldBoundValues.ConfigValue));
        Assert.Equal(HttpStatusCode.Forbidden, (await Api.DecryptTextAsync(ServerFixture.TokenA2, OldBoundValues.ConfigValue)).Status);
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), await Api.DecryptTextAsync(ServerFixture.TokenA1, OldBoundValues.KamusSecretValue));

        var service = fixture.Host.Services.GetRequiredService<CiphertextService>();
        using var scope = new DataKeyScope();
        var identity = new ServiceAccountIdentity(OldBoundValues.Namespace, OldBoundValues.ServiceAccount);
        Assert.Equal(OldBoundValues.KamusSecretPlaintext, (await service.DecryptBoundAsync(identity, OldBoundValues.KamusSecretValue, OldBoundValues.KamusSecretContext, scope)).Plaintext);
    }

    [Fact]
    public async Task The_controller_path_opens_a_bound_value_only_for_its_own_KamusSecret_key_and_unbound_values_for_any()
    {
        var items = await Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["password"] = "p4ss", ["legacy"] = "old" }, new Dictionary<string, string> { ["password"] = Bound });
        var service = fixture.Host.Services.GetRequiredService<CiphertextService>();
        var identity = new ServiceAccountIdentity("ns-a", "sa1");
        using var scope = new DataKeyScope();

        Assert.Equal("p4ss", (await service.DecryptBoundAsync(identity, items["password"], Bound, scope)).Plaintext);
        Assert.Equal("old", (await service.DecryptBoundAsync(identity, items["legacy"], Bound, scope)).Plaintext);

        var elsewhere = await service.DecryptBoundAsync(identity, items["password"], "kamussecret:ns-a/other/password", scope);
        Assert.Equal(Kamus.Wire.Protocol.WireErrorKind.Forbidden, elsewhere.Error);
        Assert.Contains("bound to kamussecret:ns-a/db/password", elsewhere.Reason, StringComparison.Ordinal);

        // The right context but another service account still fails: the identity stays bound too. (A scope serves
        // one identity, as one request or one KamusSecret does.)
        using var otherScope = new DataKeyScope();
        Assert.False((await service.DecryptBoundAsync(new ServiceAccountIdentity("ns-a", "sa2"), items["password"], Bound, otherScope)).Succeeded);
    }

    [Fact]
    public async Task Rewrapping_keeps_a_config_bound_value_bound_to_the_same_context()
    {
        var value = (await Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["db"] = "s3cret" }, new Dictionary<string, string> { ["db"] = "config:Db" }))["db"];
        var rewrapper = fixture.Host.Services.GetRequiredService<CiphertextRewrapper>();

        var outcome = Assert.Single(await rewrapper.RewrapAsync(new ServiceAccountIdentity("ns-a", "sa1"), [value]));

        Assert.NotEqual(value, outcome.Ciphertext);
        Assert.Equal("config:Db", CiphertextParser.Parse(outcome.Ciphertext).Context);
        Assert.Equal((HttpStatusCode.OK, "s3cret"), await Api.DecryptTextAsync(ServerFixture.TokenA1, outcome.Ciphertext));
    }

    [Theory]
    [InlineData("missing", "kamussecret:ns-a/db/x")]
    [InlineData("a", "no-kind")]
    [InlineData("a", "")]
    public async Task Invalid_contexts_are_refused_with_400(string item, string context)
    {
        using var response = await Api.EncryptManyAsync("sa1", "ns-a", new Dictionary<string, string> { ["a"] = "x" }, new Dictionary<string, string> { [item] = context });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("invalid field: contexts", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
