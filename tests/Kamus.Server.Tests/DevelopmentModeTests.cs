using System.Net;
using Kamus.Testing;

namespace Kamus.Server.Tests;

public sealed class DevelopmentModeTests : IDisposable
{
    private readonly string _tokensFile = Path.Combine(Path.GetTempPath(), $"kamus-dev-tokens-{Guid.NewGuid():N}.json");

    public DevelopmentModeTests() =>
        File.WriteAllText(_tokensFile, """{ "dev-token-app": "team-a:app", "dev-token-other": "team-b:other" }""");

    public void Dispose() => File.Delete(_tokensFile);

    [Fact]
    public async Task Development_mode_needs_no_key_reviews_tokens_from_the_file_and_warns_loudly()
    {
        await using var host = await StartDevelopmentServerAsync();
        var api = new RawKamusApi(host.CreateHttpClient());

        var ciphertext = await api.EncryptOkAsync("dev-secret", "app", "team-a");

        Assert.StartsWith("k2.dev.", ciphertext, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, "dev-secret"), await api.DecryptTextAsync("dev-token-app", ciphertext));
        Assert.Equal(HttpStatusCode.Forbidden, (await api.DecryptTextAsync("dev-token-other", ciphertext)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.DecryptTextAsync("not-a-dev-token", ciphertext)).Status);
        Assert.Equal(0, host.StandIn.ReviewCount);
        var warnings = host.Logs.GetSnapshot().Where(r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning).Select(r => r.Message).ToList();
        Assert.Contains(warnings, m => m.Contains("DEVELOPMENT MODE", StringComparison.Ordinal));
        Assert.Contains(warnings, m => m.Contains("INSECURE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_development_server_serves_statements_from_keys_derived_from_the_development_key_and_says_so()
    {
        await using var host = await StartDevelopmentServerAsync();
        using var http = host.CreateHttpClient();

        using var response = await http.GetAsync("api/v2/publickeys/team-a/app");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Message.Contains("INSECURE: offline encryption keys are derived from the development key", StringComparison.Ordinal));
        Assert.Matches("^[0-9a-f]{64}$", OfflineKeys.SignerFingerprint(host));
    }

    private Task<KamusServerHost> StartDevelopmentServerAsync() => KamusServerHost.StartAsync(o =>
    {
        o.Settings["KeyManagement:AES:Key"] = null;
        o.Settings["Kamus:Development:Enabled"] = "true";
        o.Settings["Kamus:Development:TokensFile"] = _tokensFile;
    });
}
