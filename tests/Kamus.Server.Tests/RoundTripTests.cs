using System.Net;
using Kamus.Testing;

namespace Kamus.Server.Tests;

public sealed class RoundTripTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RawKamusApi Api => fixture.Api;

    [Theory]
    [MemberData(nameof(CompatVectors.Indexes), MemberType = typeof(CompatVectors))]
    public async Task Every_upstream_vector_decrypts_for_its_service_account(int index)
    {
        var vector = CompatVectors.All[index];

        var (status, body) = await Api.DecryptTextAsync(ServerFixture.TokenFor(vector.Id), vector.Ciphertext);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(vector.Plaintext, body);
    }

    [Fact]
    public async Task V1_encrypt_writes_a_v2_value_that_round_trips()
    {
        var ciphertext = await Api.EncryptOkAsync("p@ss:w0rd ü", "sa1", "ns-a");

        Assert.StartsWith("k2.k0.", ciphertext, StringComparison.Ordinal);
        var (status, body) = await Api.DecryptTextAsync(ServerFixture.TokenA1, ciphertext);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("p@ss:w0rd ü", body);
    }

    [Fact]
    public async Task V2_encrypt_shares_one_wrapped_key_and_round_trips_through_both_decrypt_versions()
    {
        var items = new Dictionary<string, string> { ["db"] = "Server=db;Password=x", ["api"] = "key-123", ["empty"] = "" };

        var encrypted = await Api.EncryptManyOkAsync("sa1", "ns-a", items);

        Assert.Equal(items.Keys.Order(), encrypted.Keys.Order());
        Assert.All(encrypted.Values, v => Assert.StartsWith("k2e.k0.", v, StringComparison.Ordinal));
        Assert.Single(encrypted.Values.Select(v => v.Split('.')[2]).Distinct());
        foreach (var (name, ciphertext) in encrypted)
        {
            var (status, body) = await Api.DecryptTextAsync(ServerFixture.TokenA1, ciphertext);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(items[name], body);
        }

        var names = encrypted.Keys.ToList();
        var results = await Api.DecryptManyOkAsync(ServerFixture.TokenA1, names.Select(n => encrypted[n]));
        Assert.Equal(names.Select(n => items[n]), results.Select(r => r.Plaintext));
    }

    [Theory]
    [InlineData("value", "\n")]
    [InlineData("envelope", "\r\n")]
    [InlineData("envelope", " \t")]
    [InlineData("wrapped-key", "\n")]
    public async Task V2_values_with_surrounding_whitespace_decrypt_as_upstream_values_do(string kind, string whitespace)
    {
        var envelope = (await Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["x"] = "spaced" }))["x"];
        var ciphertext = kind switch
        {
            "value" => await Api.EncryptOkAsync("spaced", "sa1", "ns-a"),
            "envelope" => envelope,
            _ => Kamus.Wire.Formats.CiphertextParser.Parse(envelope).WrappedKey!,
        };

        var (status, body) = await Api.DecryptTextAsync(ServerFixture.TokenA1, whitespace + ciphertext + whitespace);
        var batch = await Api.DecryptManyOkAsync(ServerFixture.TokenA1, [ciphertext + whitespace]);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(kind == "wrapped-key" ? 44 : 6, body.Length);
        Assert.NotNull(batch[0].Plaintext);
    }
}
