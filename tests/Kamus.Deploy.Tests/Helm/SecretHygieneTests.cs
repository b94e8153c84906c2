using k8s;
using k8s.Models;
using Kamus.Deploy.Tests.Rendering;

namespace Kamus.Deploy.Tests.Helm;

/// <summary>Key material lives in the Secret only: never in a Deployment, Service, ConfigMap or any other object.</summary>
public sealed class SecretHygieneTests
{
    public static TheoryData<string, string> SecretValues => new()
    {
        { "upstream-default-values.yaml", "rWnWbaFutavdoeqUiVYMNJGvmjQh31qaIej/vAxJ9G0=" },
        { "upstream-aws-kms-values.yaml", "example-aws-secret-access-key-not-real" },
        { "upstream-aws-kms-values.yaml", "AKIAEXAMPLEKEYID0000" },
        { "upstream-azure-key-vault-values.yaml", "example-azure-client-secret-not-real" },
        { "upstream-google-kms-values.yaml", "eyJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIsICJwcm9qZWN0X2lkIjogImthbXVzLXByb2QifQ==" },
        { "new-install-values.yaml", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" },
        { "new-install-values.yaml", "offline-seed.v1.k0.example-sealed-seed-not-real" },
        { "pkcs11-values.yaml", "123456" },
    };

    [HelmTheory]
    [MemberData(nameof(SecretValues))]
    public void A_secret_value_appears_in_the_secret_and_nowhere_else(string valuesFile, string value)
    {
        var manifests = HelmChart.Template(valuesFile);
        var secret = Assert.Single(manifests.All<V1Secret>());

        Assert.Contains(secret.Data.Values, d => System.Text.Encoding.UTF8.GetString(d).Contains(value, StringComparison.Ordinal) || Convert.ToBase64String(d) == value);
        Assert.All(manifests.Objects.Where(o => o is not V1Secret), o => Assert.DoesNotContain(value, KubernetesYaml.Serialize(o), StringComparison.Ordinal));
    }
}
