using System.Net;
using Kamus.CloudKms.Tests.Support;
using Kamus.Testing.Kms;

namespace Kamus.CloudKms.Tests.AwsKms;

/// <summary>
/// Without <c>KeyManagement:AwsKms:Key</c>/<c>Secret</c> the AWS SDK's default credential chain is used. Here it is
/// IRSA, as on EKS: <c>AWS_ROLE_ARN</c> and <c>AWS_WEB_IDENTITY_TOKEN_FILE</c> make the SDK (through AWSSDK.SecurityToken)
/// call STS <c>AssumeRoleWithWebIdentity</c>, and the temporary credentials sign the KMS calls. The chain reads the
/// process environment, so this runs alone.
/// </summary>
[Collection(Name)]
public sealed class AwsKmsIrsaTests : IAsyncLifetime
{
    public const string Name = "AWS default credential chain (process environment)";
    private const string RoleArn = "arn:aws:iam::111122223333:role/kamus";

    private static readonly string[] Variables =
        ["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME", "AWS_ENDPOINT_URL_STS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"];

    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private readonly string _tokenFile = Path.GetTempFileName();
    private AwsKmsStandIn _kms = null!;

    public async Task InitializeAsync()
    {
        _kms = await AwsKmsStandIn.StartAsync();
        var token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6a2FtdXM6a2FtdXMifQ.c2lnbmF0dXJl";
        File.WriteAllText(_tokenFile, token);
        _kms.AllowWebIdentity(RoleArn, token);
        foreach (var variable in Variables)
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        Environment.SetEnvironmentVariable("AWS_ROLE_ARN", RoleArn);
        Environment.SetEnvironmentVariable("AWS_WEB_IDENTITY_TOKEN_FILE", _tokenFile);
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_STS", _kms.Url.ToString());
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", _tokenFile + ".absent");
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", _tokenFile + ".absent");
    }

    public async Task DisposeAsync()
    {
        foreach (var (variable, value) in _saved)
        {
            Environment.SetEnvironmentVariable(variable, value);
        }

        File.Delete(_tokenFile);
        await _kms.DisposeAsync();
    }

    [Fact]
    public async Task Irsa_credentials_from_sts_sign_the_kms_calls()
    {
        var environment = AwsKmsServerTests.Environment(_kms);
        environment.Remove("KeyManagement__AwsKms__Key");
        environment.Remove("KeyManagement__AwsKms__Secret");
        await using var server = await KmsServer.StartAsync(environment);

        var value = await server.Api.EncryptOkAsync("via IRSA", KmsServer.App1, KmsServer.Namespace);

        Assert.Equal((HttpStatusCode.OK, "via IRSA"), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, value));
        var (issued, signed) = _kms.WebIdentitySessions;
        Assert.True(issued >= 1);
        Assert.True(signed >= 2); // at least GenerateDataKey (and the key creation) and Decrypt
    }
}

[CollectionDefinition(AwsKmsIrsaTests.Name, DisableParallelization = true)]
public sealed class AwsDefaultChainGroup;
