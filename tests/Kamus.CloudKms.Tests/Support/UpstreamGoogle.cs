using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Google.Apis.Auth.OAuth2;
using Kamus.Testing.Kms;

namespace Kamus.CloudKms.Tests.Support;

/// <summary>
/// Upstream Kamus's GoogleCloudKeyManagement.Encrypt, reimplemented for test vectors over the REST API that carries the
/// same bytes as its gRPC calls: get CryptoKey <c>KeyIdCreator(namespace:sa)</c> in the key ring, create it
/// (ENCRYPT_DECRYPT, SOFTWARE) on NOT_FOUND, encrypt the UTF-8 value with no additional data, and answer the
/// ciphertext in standard base64. (Upstream's envelope decorator, <c>env$&lt;that of base64 data key&gt;$...</c>, too.)
/// </summary>
internal sealed class UpstreamGoogle(GoogleKmsStandIn kms, string keyFile, string keyRing) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = kms.Url };
    private readonly ITokenAccess _credential = CredentialFactory.FromFile<ServiceAccountCredential>(keyFile).ToGoogleCredential().CreateScoped(GoogleKmsStandIn.KmsScope);

    public async Task<string> EncryptAsync(string data, string @namespace, string serviceAccount) =>
        Convert.ToBase64String(await EncryptBytesAsync(Encoding.UTF8.GetBytes(data), @namespace, serviceAccount));

    /// <summary>Upstream's EnvelopeEncryptionDecorator over this KMS: the wrapped key is the KMS value of base64 of the data key.</summary>
    public async Task<string> EncryptEnvelopeAsync(string data, string @namespace, string serviceAccount)
    {
        using var aes = Aes.Create();
        aes.KeySize = 256;
        aes.GenerateKey();
        var iv = RandomNumberGenerator.GetBytes(16);
        var ciphertext = aes.EncryptCbc(Encoding.UTF8.GetBytes(data), iv, PaddingMode.PKCS7);
        var wrappedKey = await EncryptAsync(Convert.ToBase64String(aes.Key), @namespace, serviceAccount);
        return $"env${wrappedKey}${Convert.ToBase64String(iv)}:{Convert.ToBase64String(ciphertext)}";
    }

    public void Dispose() => _http.Dispose();

    private async Task<byte[]> EncryptBytesAsync(byte[] plaintext, string @namespace, string serviceAccount)
    {
        var keyId = UpstreamKeyId.Create($"{@namespace}:{serviceAccount}");
        var cryptoKey = $"{keyRing}/cryptoKeys/{keyId}";
        using (var get = await SendAsync(HttpMethod.Get, $"v1/{cryptoKey}", null))
        {
            if (get.StatusCode == HttpStatusCode.NotFound)
            {
                var key = new JsonObject { ["purpose"] = "ENCRYPT_DECRYPT", ["versionTemplate"] = new JsonObject { ["protectionLevel"] = "SOFTWARE" } };
                using var create = await SendAsync(HttpMethod.Post, $"v1/{keyRing}/cryptoKeys?cryptoKeyId={keyId}", key);
                create.EnsureSuccessStatusCode();
            }
            else
            {
                get.EnsureSuccessStatusCode();
            }
        }

        using var encrypt = await SendAsync(HttpMethod.Post, $"v1/{cryptoKey}:encrypt", new JsonObject { ["plaintext"] = Convert.ToBase64String(plaintext) });
        encrypt.EnsureSuccessStatusCode();
        var answer = JsonNode.Parse(await encrypt.Content.ReadAsStringAsync())!;
        return Convert.FromBase64String(answer["ciphertext"]!.GetValue<string>());
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _credential.GetAccessTokenForRequestAsync());
        return await _http.SendAsync(request);
    }
}
