using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Kamus.Testing.Kms;

/// <summary>
/// Makes values the way upstream Kamus's Azure Key Vault provider made them, written independently of the server's
/// code from upstream's algorithm, so tests can prove the server reads them:
/// <list type="bullet">
/// <item>the key of <c>namespace:serviceAccount</c> is named base64url(SHA-256(UTF-8 id)) with <c>_</c> turned into
/// <c>-</c>, and created (<c>RSA-HSM</c>, 2048 bits by default) when the vault has none;</item>
/// <item>a value of at most <c>MaximumDataLength</c> characters is base64 of Key Vault's <c>RSA-OAEP</c> encryption
/// of its UTF-8 bytes, with the key's current version;</item>
/// <item>a longer one is <c>env$&lt;wrapped&gt;$base64(iv):base64(ciphertext)</c>: AES-256-CBC (PKCS#7) under a fresh
/// 32-byte key, whose base64 text is encrypted as above.</item>
/// </list>
/// It talks to the <see cref="AzureKeyVaultStandIn"/> over plain HTTP with a token from its token endpoint, as
/// upstream's <c>KeyVaultClient</c> did.
/// </summary>
public sealed class UpstreamKeyVaultWriter : IDisposable
{
    private readonly AzureKeyVaultStandIn _vault;
    private readonly HttpClient _http;
    private readonly string _clientId;
    private readonly string _clientSecret;
    private string? _token;

    /// <summary>Writes through <paramref name="vault"/> as the registered application <paramref name="clientId"/>.</summary>
    public UpstreamKeyVaultWriter(AzureKeyVaultStandIn vault, string clientId, string clientSecret, int maximumDataLength = 214)
    {
        ArgumentNullException.ThrowIfNull(vault);
        _vault = vault;
        _clientId = clientId;
        _clientSecret = clientSecret;
        MaximumDataLength = maximumDataLength;
        _http = new HttpClient(vault.CreateTrustingHandler());
    }

    /// <summary>Upstream's <c>KeyManagement:KeyVault:MaximumDataLength</c>.</summary>
    public int MaximumDataLength { get; }

    /// <summary>Upstream's key name for <c>namespace:serviceAccount</c>.</summary>
    public static string KeyName(string @namespace, string serviceAccount) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes($"{@namespace}:{serviceAccount}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_').Replace('_', '-');

    /// <summary>Encrypts <paramref name="data"/> for <paramref name="namespace"/>:<paramref name="serviceAccount"/> as upstream would.</summary>
    public async Task<string> EncryptAsync(string data, string @namespace, string serviceAccount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var key = KeyName(@namespace, serviceAccount);
        if (data.Length <= MaximumDataLength)
        {
            return await RsaOaepAsync(key, Encoding.UTF8.GetBytes(data), cancellationToken);
        }

        using var aes = Aes.Create();
        aes.KeySize = 256;
        aes.GenerateKey();
        aes.GenerateIV();
        var ciphertext = aes.EncryptCbc(Encoding.UTF8.GetBytes(data), aes.IV, PaddingMode.PKCS7);
        var wrapped = await RsaOaepAsync(key, Encoding.UTF8.GetBytes(Convert.ToBase64String(aes.Key)), cancellationToken);
        return $"env${wrapped}${Convert.ToBase64String(aes.IV)}:{Convert.ToBase64String(ciphertext)}";
    }

    /// <summary>Disposes the HTTP client.</summary>
    public void Dispose() => _http.Dispose();

    private async Task<string> RsaOaepAsync(string key, byte[] plaintext, CancellationToken cancellationToken)
    {
        using var get = await SendAsync(HttpMethod.Get, $"keys/{key}", null, cancellationToken);
        if (get.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            using var created = await SendAsync(HttpMethod.Post, $"keys/{key}/create", new JsonObject { ["kty"] = "RSA-HSM", ["key_size"] = 2048 }, cancellationToken);
            created.EnsureSuccessStatusCode();
        }
        else
        {
            get.EnsureSuccessStatusCode();
        }

        var value = Convert.ToBase64String(plaintext).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        using var encrypted = await SendAsync(HttpMethod.Post, $"keys/{key}/encrypt", new JsonObject { ["alg"] = "RSA-OAEP", ["value"] = value }, cancellationToken);
        encrypted.EnsureSuccessStatusCode();
        var answer = await encrypted.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        var result = answer!["value"]!.GetValue<string>().Replace('-', '+').Replace('_', '/');
        return Convert.ToBase64String(Convert.FromBase64String(result.PadRight(result.Length + ((4 - (result.Length % 4)) % 4), '=')));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        _token ??= await TokenAsync(cancellationToken);
        using var request = new HttpRequestMessage(method, new Uri(_vault.VaultUrl, path + "?api-version=7.4"));
        request.Headers.Authorization = new("Bearer", _token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await _http.SendAsync(request, cancellationToken);
    }

    private async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = _clientId,
            ["client_secret"] = _clientSecret,
            ["scope"] = _vault.ChallengeResource + "/.default",
        });
        using var response = await _http.PostAsync(new Uri(_vault.AuthorityHost, $"{AzureKeyVaultStandIn.TenantId}/oauth2/v2.0/token"), form, cancellationToken);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        return answer!["access_token"]!.GetValue<string>();
    }
}
