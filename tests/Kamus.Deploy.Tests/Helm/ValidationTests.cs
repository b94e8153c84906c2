using Kamus.Deploy.Tests.Rendering;

namespace Kamus.Deploy.Tests.Helm;

/// <summary>Values that cannot work are refused at render time, saying what to set and never echoing a key.</summary>
public sealed class ValidationTests
{
    [HelmFact]
    public void Installing_without_a_key_fails_instead_of_using_a_default_key()
    {
        var result = HelmChart.TemplateFailing([]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("No master key", result.Error, StringComparison.Ordinal);
        Assert.Contains("keyManagement.AES.key", result.Error, StringComparison.Ordinal);
        Assert.Contains("keyManagement.secretName", result.Error, StringComparison.Ordinal);
        Assert.Contains("head -c 32 /dev/urandom | base64", result.Error, StringComparison.Ordinal);
    }

    [HelmTheory]
    [InlineData("keyManagement.AES.key=c2hvcnQta2V5", "keyManagement.AES.key is not base64 of 32 bytes")]
    [InlineData("keyManagement.keyRing.keys.k1=not-a-key-at-all-but-a-secret-anyway-1234", "keyManagement.keyRing.keys.k1 is not base64 of 32 bytes")]
    public void A_malformed_key_is_refused_by_name_without_printing_it(string set, string message)
    {
        var result = HelmChart.TemplateFailing([], set);
        var value = set[(set.IndexOf('=', StringComparison.Ordinal) + 1)..];

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(value, result.Error, StringComparison.Ordinal);
    }

    [HelmTheory]
    [InlineData("keyManagement.provider=Vault", "keyManagement.provider \"Vault\" is not one of AESKey, AzureKeyVault, AwsKms, GoogleKms, Pkcs11.")]
    [InlineData("keyManagement.provider=AzureKeyVault", "set keyManagement.azureKeyVault.keyVaultName")]
    [InlineData("keyManagement.provider=GoogleKms", "set keyManagement.googleKms.projectId, .location and .keyRing")]
    [InlineData("keyManagement.provider=Pkcs11", "set keyManagement.pkcs11.modulePath, .currentKeyLabel and .tokenLabel")]
    [InlineData("tls.enabled=true,tls.certManager.enabled=true", "tls.certManager.enabled needs tls.certManager.issuerRef.name")]
    [InlineData("ingress.enabled=true", "ingress.enabled needs ingress.hosts")]
    public void Incomplete_settings_are_refused_saying_what_to_set(string set, string message)
    {
        var result = HelmChart.TemplateFailing(["upstream-default-values.yaml"], set);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [HelmFact]
    public void A_cloud_provider_needs_no_aes_key()
    {
        var manifests = HelmChart.Template([], "keyManagement.provider=AwsKms");

        Assert.Equal(3, manifests.Deployments.Count());
    }

    public static TheoryData<string> ValuesFiles => RepositoryPaths.ChartValuesFiles();

    [HelmTheory]
    [MemberData(nameof(ValuesFiles))]
    public void Helm_lint_passes_strictly(string valuesFile)
    {
        var result = HelmChart.Lint(valuesFile);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("0 chart(s) failed", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("[ERROR]", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("[WARNING]", result.Output, StringComparison.Ordinal);
        // helm lint reports a template's fail() as [INFO] and passes: a values file that does not render must not hide here.
        Assert.DoesNotContain("Fail:", result.Output + result.Error, StringComparison.Ordinal);
    }
}
