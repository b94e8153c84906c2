using System.Net;
using Kamus.Testing;

namespace Kamus.Server.Tests;

public sealed class CrossAccountTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RawKamusApi Api => fixture.Api;

    [Theory]
    [MemberData(nameof(CompatVectors.Indexes), MemberType = typeof(CompatVectors))]
    public async Task Every_upstream_vector_is_refused_for_other_service_accounts(int index)
    {
        var vector = CompatVectors.All[index];

        foreach (var token in new[] { ServerFixture.TokenA1, ServerFixture.TokenA2, ServerFixture.TokenB1 })
        {
            var (status, body) = await Api.DecryptTextAsync(token, vector.Ciphertext);
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.DoesNotContain(vector.Plaintext, body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task A_v2_value_for_ns_a_sa1_never_decrypts_for_ns_a_sa2_or_ns_b_sa1(string api)
    {
        var ciphertext = api == "v1"
            ? await Api.EncryptOkAsync("only-for-a1", "sa1", "ns-a")
            : (await Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["x"] = "only-for-a1" }))["x"];

        Assert.Equal((HttpStatusCode.OK, "only-for-a1"), await Api.DecryptTextAsync(ServerFixture.TokenA1, ciphertext));
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), await Api.DecryptTextAsync(ServerFixture.TokenA2, ciphertext));
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), await Api.DecryptTextAsync(ServerFixture.TokenB1, ciphertext));
    }
}
