using Kamus.CloudKms.Tests.Support;

namespace Kamus.CloudKms.Tests.GoogleKms;

/// <summary>Missing or wrong Google Cloud KMS settings stop the server at startup with one line naming the setting.</summary>
[Collection(GoogleKmsGroup.Name)]
public sealed class GoogleKmsStartupTests(GoogleKmsFixture gcp)
{
    [Theory]
    [InlineData("KeyManagement__GoogleKms__ProjectId", null, "KeyManagement:GoogleKms:ProjectId is required with KeyManagement:Provider=GoogleKms.")]
    [InlineData("KeyManagement__GoogleKms__Location", null, "KeyManagement:GoogleKms:Location is required")]
    [InlineData("KeyManagement__GoogleKms__KeyRingName", null, "KeyManagement:GoogleKms:KeyRingName is required")]
    [InlineData("KeyManagement__GoogleKms__KeyRingName", "ring/../other", "KeyManagement:GoogleKms:KeyRingName 'ring/../other' may contain only")]
    [InlineData("KeyManagement__GoogleKms__ProtectionLevel", "EXTERNAL", "KeyManagement:GoogleKms:ProtectionLevel must be SOFTWARE or HSM")]
    [InlineData("KeyManagement__GoogleKms__RotationPeriod", "12:00:00", "KeyManagement:GoogleKms:RotationPeriod '12:00:00' must be a .NET TimeSpan of at least one day")]
    [InlineData("KeyManagement__GoogleKms__Endpoint", "http://10.1.2.3/", "KeyManagement:GoogleKms:Endpoint is plain http to '10.1.2.3'")]
    [InlineData("KeyManagement__GoogleKms__CredentialsPath", "/nonexistent/key.json", "KeyManagement:GoogleKms:CredentialsPath '/nonexistent/key.json' is not a readable service-account key file")]
    public async Task The_server_refuses_to_start_naming_the_setting(string name, string? value, string expected)
    {
        var error = await EnvironmentSettings.StartupRefusalAsync(gcp.Environment("ring"), name, value);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_file_that_is_not_one_is_named_and_never_shown()
    {
        var path = gcp.PathFor("not-a-key.json");
        File.WriteAllText(path, "{\"type\":\"authorized_user\",\"client_secret\":\"do-not-show-me\"}");

        var error = await EnvironmentSettings.StartupRefusalAsync(gcp.Environment("ring"), "KeyManagement__GoogleKms__CredentialsPath", path);

        Assert.Contains($"KeyManagement:GoogleKms:CredentialsPath '{path}' is not a readable service-account key file", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-show-me", error.ToString(), StringComparison.Ordinal);
    }
}
