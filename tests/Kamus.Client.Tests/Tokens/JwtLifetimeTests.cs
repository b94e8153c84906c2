using Kamus.Client.Tests.Support;
using Kamus.Client.Tokens;

namespace Kamus.Client.Tests.Tokens;

public sealed class JwtLifetimeTests
{
    [Fact]
    public void Reads_iat_and_exp()
    {
        var iat = DateTimeOffset.FromUnixTimeSeconds(1_900_000_000);
        Assert.True(JwtLifetime.TryRead(Jwt.Make(iat, iat.AddHours(1)), out var issued, out var expires));
        Assert.Equal(iat, issued);
        Assert.Equal(iat.AddHours(1), expires);
        Assert.Equal(iat.AddMinutes(48), JwtLifetime.RefreshAt(issued, expires, iat));
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("a..c")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln")]
    public void Opaque_tokens_have_no_lifetime(string token) => Assert.False(JwtLifetime.TryRead(token, out _, out _));
}
