using Kamus.KeyManagement.AzureKeyVault;

namespace Kamus.CloudKms.Tests.AzureKeyVault;

/// <summary>The <c>WWW-Authenticate</c> challenges Key Vault sends, and the domain check that keeps tokens at home.</summary>
public sealed class KeyVaultChallengeTests
{
    [Theory]
    [InlineData("Bearer authorization=\"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47\", resource=\"https://vault.azure.net\"", "72f988bf-86f1-41af-91ab-2d7cd011db47", "https://vault.azure.net/.default")]
    [InlineData("Bearer authorization_uri=\"https://login.windows.net/contoso.onmicrosoft.com\", resource=\"https://vault.azure.net\"", "contoso.onmicrosoft.com", "https://vault.azure.net/.default")]
    [InlineData("Bearer authorization=\"https://login.microsoftonline.us/tenant-1/\", scope=\"https://vault.usgovcloudapi.net/.default\"", "tenant-1", "https://vault.usgovcloudapi.net/.default")]
    [InlineData("bearer authorization=https://login.microsoftonline.com/t2,resource=https://vault.azure.net", "t2", "https://vault.azure.net/.default")]
    public void Reads_the_tenant_and_scope(string header, string tenant, string scope)
    {
        var challenge = KeyVaultChallenge.TryParse(header);

        Assert.NotNull(challenge);
        Assert.Equal(tenant, challenge.TenantId);
        Assert.Equal(scope, challenge.Scope);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic realm=\"vault\"")]
    [InlineData("Bearer resource=\"https://vault.azure.net\"")]
    [InlineData("Bearer authorization=\"https://login.microsoftonline.com/\", resource=\"https://vault.azure.net\"")]
    [InlineData("Bearer authorization=\"https://login.microsoftonline.com/t/\"")]
    [InlineData("Bearer authorization=\"https://login.microsoftonline.com/bad tenant!\", resource=\"https://vault.azure.net\"")]
    public void Anything_else_is_not_a_challenge(string? header) => Assert.Null(KeyVaultChallenge.TryParse(header));

    [Theory]
    [InlineData("https://kamus.vault.azure.net/", true)]
    [InlineData("https://vault.azure.net/", true)]
    [InlineData("https://kamus.vault.azure.net.evil.example/", false)]
    [InlineData("https://evilvault.azure.net/", false)]
    public void A_token_is_answered_only_for_the_vaults_own_domain(string vault, bool covered)
    {
        var challenge = KeyVaultChallenge.TryParse("Bearer authorization=\"https://login.microsoftonline.com/t\", resource=\"https://vault.azure.net\"")!;

        Assert.Equal(covered, challenge.Covers(new Uri(vault)));
    }

    [Fact]
    public void A_continuous_access_evaluation_challenge_gives_its_claims()
    {
        const string Header = "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", error=\"insufficient_claims\", claims=\"eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNzAwMDAwMDAwIn19fQ==\"";

        Assert.Equal("{\"access_token\":{\"nbf\":{\"essential\":true,\"value\":\"1700000000\"}}}", KeyVaultChallenge.TryParseClaims(Header));
        Assert.Null(KeyVaultChallenge.TryParseClaims("Bearer authorization=\"https://login.microsoftonline.com/t\", resource=\"https://vault.azure.net\""));
    }
}
