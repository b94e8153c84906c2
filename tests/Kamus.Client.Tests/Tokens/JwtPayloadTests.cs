using System.Buffers.Text;
using System.Text;
using Kamus.Client.Tests.Support;
using Kamus.Client.Tokens;
using Kamus.Wire.Identity;

namespace Kamus.Client.Tests.Tokens;

/// <summary>The one JWT payload reader (the client's refresh time and the server's review-cache bound both use it).</summary>
public sealed class JwtPayloadTests
{
    [Fact]
    public void Reads_iat_and_exp()
    {
        var iat = DateTimeOffset.FromUnixTimeSeconds(1_900_000_000);
        Assert.True(JwtPayload.TryReadLifetime(Jwt.Make(iat, iat.AddHours(1)), out var issued, out var expires));
        Assert.Equal(iat, issued);
        Assert.Equal(iat.AddHours(1), expires);
        Assert.Equal(iat.AddHours(1), JwtPayload.ReadExpiry(Jwt.Make(iat, iat.AddHours(1))));
        Assert.Equal(iat.AddMinutes(48), JwtLifetime.RefreshAt(issued, expires, iat));
    }

    [Fact]
    public void Iat_is_optional_and_exp_is_not()
    {
        Assert.True(JwtPayload.TryReadLifetime(Token("""{"exp":1900000000}"""), out var issued, out var expires));
        Assert.Null(issued);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_900_000_000), expires);

        Assert.False(JwtPayload.TryReadLifetime(Token("""{"iat":1900000000}"""), out issued, out _));
        Assert.Null(issued);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("a..c")]
    [InlineData(".eyJleHAiOjE5MDAwMDAwMDB9.c2ln")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJleHAiOjE5MDAwMDAwMDB9.c2ln.extra")]
    public void Opaque_tokens_have_no_lifetime(string token)
    {
        Assert.False(JwtPayload.TryReadLifetime(token, out _, out _));
        Assert.Null(JwtPayload.ReadExpiry(token));
    }

    [Theory]
    [InlineData("""{"exp":"1900000000"}""")]
    [InlineData("""{"exp":-1}""")]
    [InlineData("""{"exp":253402300800}""")]
    [InlineData("""{"exp":1.5}""")]
    [InlineData("""{"exp":""")]
    [InlineData("""[1900000000]""")]
    public void Unusable_exp_claims_give_no_lifetime(string payload) => Assert.Null(JwtPayload.ReadExpiry(Token(payload)));

    [Fact]
    public void Payloads_beyond_the_bound_are_not_read()
    {
        var padding = new string('x', 13 * 1024);
        Assert.Null(JwtPayload.ReadExpiry(Token($$"""{"exp":1900000000,"pad":"{{padding}}"}""")));
    }

    private static string Token(string payload) =>
        $"eyJhbGciOiJub25lIn0.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload))}.c2ln";
}
