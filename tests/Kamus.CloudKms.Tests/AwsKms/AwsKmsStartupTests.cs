using Kamus.CloudKms.Tests.Support;
using Kamus.KeyManagement;
using Kamus.KeyManagement.AwsKms;

namespace Kamus.CloudKms.Tests.AwsKms;

/// <summary>Missing or wrong AWS KMS settings stop the server at startup with one line naming the setting, never a secret.</summary>
public sealed class AwsKmsStartupTests
{
    private const string Secret = "s3cr3t-value-that-must-not-show";

    [Theory]
    [InlineData("KeyManagement__AwsKms__Region", "EU West", "KeyManagement:AwsKms:Region 'EU West' is not an AWS region name")]
    [InlineData("KeyManagement__AwsKms__Key", null, "KeyManagement:AwsKms:Key is required with KeyManagement:AwsKms:Secret")]
    [InlineData("KeyManagement__AwsKms__ServiceUrl", "http://kms.internal.example.com/", "KeyManagement:AwsKms:ServiceUrl is plain http to 'kms.internal.example.com'")]
    [InlineData("KeyManagement__AwsKms__CmkPrefix", "team a", "KeyManagement:AwsKms:CmkPrefix may contain only")]
    [InlineData("KeyManagement__AwsKms__Timeout", "-00:00:01", "KeyManagement:AwsKms:Timeout must be positive")]
    [InlineData("KeyManagement__DataKeyCache__MaxEntries", "-1", "KeyManagement:DataKeyCache:MaxEntries")]
    [InlineData("KeyManagement__KeyRing__CurrentKeyId", "k1", "KeyManagement:KeyRing:CurrentKeyId cannot be used with KeyManagement:Provider=AwsKms")]
    public async Task The_server_refuses_to_start_naming_the_setting(string name, string? value, string expected)
    {
        var environment = new Dictionary<string, string>
        {
            ["KeyManagement__Provider"] = "AwsKms",
            ["KeyManagement__AwsKms__Region"] = "eu-west-1",
            ["KeyManagement__AwsKms__Key"] = "AKIAEXAMPLE",
            ["KeyManagement__AwsKms__Secret"] = Secret,
        };

        var error = await EnvironmentSettings.StartupRefusalAsync(environment, name, value);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_region_comes_from_the_setting_or_the_sdk_environment_variables()
    {
        var noEnvironment = new Func<string, string?>(_ => null);
        var error = Assert.Throws<KamusSettingsException>(() => AwsKmsSettings.Read(new AwsKmsOptions(), noEnvironment));
        Assert.Equal("KeyManagement:AwsKms:Region is required with KeyManagement:Provider=AwsKms (or set the AWS_REGION environment variable).", error.Message);

        Assert.Equal("us-east-2", AwsKmsSettings.Read(new AwsKmsOptions(), name => name == "AWS_DEFAULT_REGION" ? "us-east-2" : null).Region);
        Assert.Equal("eu-west-3", AwsKmsSettings.Read(new AwsKmsOptions { Region = "eu-west-3" }, name => "us-east-2").Region);
        Assert.Null(AwsKmsSettings.Read(new AwsKmsOptions { Region = "eu-west-3" }, noEnvironment).Credentials); // the default chain
    }

    [Fact]
    public void Settings_never_show_the_secret()
    {
        var settings = AwsKmsSettings.Read(new AwsKmsOptions { Region = "eu-west-1", Key = "AKIAEXAMPLE", Secret = Secret }, _ => null);

        Assert.DoesNotContain(Secret, settings.ToString(), StringComparison.Ordinal);
        Assert.NotNull(settings.Credentials);
    }
}
