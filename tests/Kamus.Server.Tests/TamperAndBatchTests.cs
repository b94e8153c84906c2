using System.Net;
using Kamus.Testing;
using Kamus.Wire.Crypto;
using Kamus.Wire.Formats;

namespace Kamus.Server.Tests;

public sealed class TamperAndBatchTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Base64UrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private RawKamusApi Api => fixture.Api;

    [Theory]
    [InlineData("value")]
    [InlineData("envelope")]
    public async Task Changing_any_single_character_of_a_v2_value_is_detected_never_200(string kind)
    {
        var ciphertext = kind == "value"
            ? await Api.EncryptOkAsync("tamper-me", "sa1", "ns-a")
            : (await Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["x"] = "tamper-me" }))["x"];
        var tampered = new List<string>();
        for (var i = 0; i < ciphertext.Length; i++)
        {
            var original = ciphertext[i];
            var replacement = original == 'A' ? 'B' : Base64UrlAlphabet[(Base64UrlAlphabet.IndexOf(original, StringComparison.Ordinal) + 1 + Base64UrlAlphabet.Length) % Base64UrlAlphabet.Length];
            if (original == '.')
            {
                replacement = '_';
            }

            tampered.Add(string.Concat(ciphertext.AsSpan(0, i), replacement.ToString(), ciphertext.AsSpan(i + 1)));
        }

        // All in one batch (one item per changed character), and a sample through v1 as well.
        var results = await Api.DecryptManyOkAsync(ServerFixture.TokenA1, tampered);
        for (var i = 0; i < tampered.Count; i++)
        {
            Assert.True(results[i].Plaintext is null, $"changing character {i} went unnoticed");
            Assert.Contains(results[i].Error, new[] { "InvalidCiphertext", "Forbidden" });
        }

        foreach (var value in tampered.Where((_, i) => i % 7 == 0))
        {
            var (status, _) = await Api.DecryptTextAsync(ServerFixture.TokenA1, value);
            Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, $"answered {(int)status}");
        }
    }

    [Fact]
    public async Task A_batch_with_good_and_bad_items_answers_each_item_and_a_bad_item_fails_no_other()
    {
        var envelopes = await Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["a"] = "alpha", ["b"] = "beta" });
        var value = await Api.EncryptOkAsync("gamma", "sa1", "ns-a");
        var otherAccount = await Api.EncryptOkAsync("not-yours", "sa1", "ns-b");
        var upstreamForOther = CompatVectors.All[0].Ciphertext;

        var results = await Api.DecryptManyOkAsync(ServerFixture.TokenA1, [envelopes["a"], "garbage", value, otherAccount, "", envelopes["b"], upstreamForOther, null]);

        Assert.Equal(
            [("alpha", null), (null, "InvalidCiphertext"), ("gamma", null), (null, "Forbidden"), (null, "InvalidCiphertext"), ("beta", null), (null, "Forbidden"), (null, "InvalidCiphertext")],
            results);
    }

    [Fact]
    public async Task A_bare_v2_wrapped_key_decrypts_to_the_base64_data_key_which_opens_the_envelope_locally()
    {
        var envelope = (await Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["x"] = "fast-path" }))["x"];
        var parsed = CiphertextParser.Parse(envelope);

        var (status, body) = await Api.DecryptTextAsync(ServerFixture.TokenA1, parsed.WrappedKey);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(DataKey.TryFromBase64(body, out var dataKey));
        using (dataKey)
        {
            Assert.Equal("fast-path", dataKey!.DecryptPayload(parsed));
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await Api.DecryptTextAsync(ServerFixture.TokenA2, parsed.WrappedKey)).Status);
    }

    [Fact]
    public async Task An_upstream_envelope_naming_a_v2_wrapped_key_is_refused_and_never_opened_with_the_v2_data_key()
    {
        // The caller knows its own data key (the fast path hands it out), so it can make a CBC payload under it and
        // name the v2 wrapped key in an env$ value: a cache keyed by wrapped key alone would use the GCM key for CBC.
        var envelope = (await Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["x"] = "gcm" }))["x"];
        var wrappedKey = CiphertextParser.Parse(envelope).WrappedKey!;
        var (_, keyText) = await Api.DecryptTextAsync(ServerFixture.TokenA1, wrappedKey);
        Assert.True(DataKey.TryFromBase64(keyText, out var dataKey));
        string forged;
        using (dataKey)
        {
            var (iv, ciphertext) = AesCbc.Encrypt(dataKey!.Bytes, "cbc-under-the-gcm-key"u8);
            forged = UpstreamLayout.FormatEnvelope(wrappedKey, iv, ciphertext);
        }

        var results = await Api.DecryptManyOkAsync(ServerFixture.TokenA1, [envelope, forged]);

        Assert.Equal([("gcm", null), (null, "InvalidCiphertext")], results);
        Assert.False(CiphertextParser.TryParse(forged, out _, out var reason));
        Assert.Contains("wrapped key must be base64", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upstream_envelopes_wrapped_part_decrypts_to_the_base64_data_key()
    {
        var vector = CompatVectors.All.First(v => v.IsEnvelope);
        var parsed = CiphertextParser.Parse(vector.Ciphertext);

        var (status, body) = await Api.DecryptTextAsync(ServerFixture.TokenFor(vector.Id), parsed.WrappedKey);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(DataKey.TryFromBase64(body, out var dataKey));
        using (dataKey)
        {
            Assert.Equal(vector.Plaintext, dataKey!.DecryptPayload(parsed));
        }
    }

    [Fact]
    public async Task A_batch_of_upstream_vectors_decrypts_with_one_token_review()
    {
        var vectors = CompatVectors.All.Where(v => v.Id == CompatVectors.All[0].Id).ToList();
        var token = "batch-review-token";
        fixture.Host.StandIn.AddToken(token, vectors[0].Namespace, vectors[0].ServiceAccount);
        var before = fixture.Host.StandIn.ReviewCount;

        var results = await Api.DecryptManyOkAsync(token, vectors.Select(v => v.Ciphertext));

        Assert.Equal(vectors.Select(v => v.Plaintext), results.Select(r => r.Plaintext));
        Assert.Equal(before + 1, fixture.Host.StandIn.ReviewCount);
    }

    [Fact]
    public async Task No_error_answer_carries_a_stack_trace_or_any_input()
    {
        var secret = "Sensitive-Plaintext-42";
        var answers = new List<string>();
        async Task Collect(Task<HttpResponseMessage> call)
        {
            using var response = await call;
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        await Collect(Api.EncryptAsync(secret, "default", "ns-a"));
        await Collect(Api.EncryptAsync(secret, "Bad_Name", "ns-a"));
        await Collect(Api.DecryptAsync("unknown-" + secret, "x"));
        await Collect(Api.DecryptAsync(ServerFixture.TokenA1, secret));
        await Collect(Api.DecryptAsync(ServerFixture.TokenA2, await Api.EncryptOkAsync(secret, "sa1", "ns-a")));
        await Collect(Api.PostRawAsync("api/v1/decrypt", ServerFixture.TokenA1, new StringContent("{\"data\":\"" + secret)));
        await Collect(Api.PostRawAsync("api/v2/encrypt", null, new StringContent("{\"items\":{\"a\":5}}")));

        Assert.All(answers, body =>
        {
            Assert.True(body.Length < 80, body);
            Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        });
    }
}
