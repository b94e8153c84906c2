using Kamus.Cli.Secrets;

namespace Kamus.Cli.Tests.Secrets;

public sealed class SecretNameHeuristicsTests
{
    [Theory]
    [InlineData("Database:Password")]
    [InlineData("Smtp:password")]
    [InlineData("AzureAd:ClientSecret")]
    [InlineData("Stripe:ApiKey")]
    [InlineData("Github:AccessToken")]
    [InlineData("Jwt:signing_key")]
    [InlineData("ConnectionStrings:Orders")]
    [InlineData("Storage:ConnectionString")]
    [InlineData("Passwords:0")]
    [InlineData("Redis:Credentials")]
    public void Flags_likely_secret_names(string key) => Assert.True(SecretNameHeuristics.LooksSecret(key));

    [Theory]
    [InlineData("Logging:LogLevel:Default")]
    [InlineData("KeyVault:KeyVaultName")]
    [InlineData("Jwt:TokenLifetime")]
    [InlineData("Jwt:SigningKeyId")]
    [InlineData("Monkey")]
    [InlineData("Api:PasswordHint")]
    [InlineData("0")]
    public void Leaves_ordinary_names_alone(string key) => Assert.False(SecretNameHeuristics.LooksSecret(key));

    [Fact]
    public void Splits_names_into_words() =>
        Assert.Equal(["HTTP", "Api", "Key", "v2", "x"], SecretNameHeuristics.Words("HTTPApiKey_v2-x"));
}
