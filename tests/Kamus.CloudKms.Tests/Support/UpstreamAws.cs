using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Kamus.Testing.Kms;

namespace Kamus.CloudKms.Tests.Support;

/// <summary>
/// Upstream Kamus's AwsKeyManagement.Encrypt, reimplemented for test vectors through the real AWS SDK against the
/// stand-in: a data key from <c>GenerateDataKey</c> (AES_256, no encryption context) under
/// <c>alias/[prefix-]kamus/&lt;KeyIdCreator(namespace:sa)&gt;</c> (the key and alias created on <c>NotFoundException</c>),
/// AES-256-CBC (PKCS7, random IV) of the UTF-8 value, laid out <c>env$base64(blob)$base64(iv):base64(ciphertext)</c>.
/// </summary>
internal sealed class UpstreamAws(AwsKmsStandIn kms, string cmkPrefix = "") : IDisposable
{
    private readonly AmazonKeyManagementServiceClient _client = new(
        new BasicAWSCredentials(AwsKmsStandIn.AccessKeyId, AwsKmsStandIn.SecretAccessKey),
        new AmazonKeyManagementServiceConfig { ServiceURL = kms.Url.ToString(), AuthenticationRegion = kms.Region });

    public static string Alias(string id, string cmkPrefix = "") =>
        $"alias/{(cmkPrefix.Length == 0 ? string.Empty : cmkPrefix + "-")}kamus/{UpstreamKeyId.Create(id)}";

    public async Task<string> EncryptAsync(string data, string @namespace, string serviceAccount)
    {
        var alias = Alias($"{@namespace}:{serviceAccount}", cmkPrefix);
        GenerateDataKeyResponse dataKey;
        try
        {
            dataKey = await _client.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = alias, KeySpec = "AES_256" });
        }
        catch (NotFoundException)
        {
            var created = await _client.CreateKeyAsync(new CreateKeyRequest());
            await _client.CreateAliasAsync(alias, created.KeyMetadata.KeyId);
            dataKey = await _client.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = alias, KeySpec = "AES_256" });
        }

        using var aes = Aes.Create();
        aes.Key = dataKey.Plaintext.ToArray();
        var iv = RandomNumberGenerator.GetBytes(16);
        var ciphertext = aes.EncryptCbc(Encoding.UTF8.GetBytes(data), iv, PaddingMode.PKCS7);
        return $"env${Convert.ToBase64String(dataKey.CiphertextBlob.ToArray())}${Convert.ToBase64String(iv)}:{Convert.ToBase64String(ciphertext)}";
    }

    public void Dispose() => _client.Dispose();
}
