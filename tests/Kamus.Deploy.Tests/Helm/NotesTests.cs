using Kamus.Deploy.Tests.Rendering;

namespace Kamus.Deploy.Tests.Helm;

/// <summary>NOTES.txt, as `helm install` and `helm upgrade` print it.</summary>
public sealed class NotesTests
{
    [HelmFact]
    public void Upstreams_published_key_is_announced_loudly_never_silently()
    {
        var notes = HelmChart.Notes(["upstream-default-values.yaml"]);

        Assert.Contains("WARNING: THE MASTER KEY IS UPSTREAM'S PUBLISHED DEFAULT KEY", notes, StringComparison.Ordinal);
        Assert.Contains("keyManagement.keyRing.currentKeyId", notes, StringComparison.Ordinal);
        Assert.DoesNotContain("rWnWbaFutavdoeqUiVYMNJGvmjQh31qaIej/vAxJ9G0=", notes, StringComparison.Ordinal);
        Assert.DoesNotContain("PUBLISHED", HelmChart.Notes(["upstream-aws-kms-values.yaml"]), StringComparison.Ordinal);
    }

    [HelmFact]
    public void The_published_key_is_announced_when_it_only_sits_in_the_key_ring()
    {
        var notes = HelmChart.Notes([], "keyManagement.keyRing.keys.old=rWnWbaFutavdoeqUiVYMNJGvmjQh31qaIej/vAxJ9G0=", "keyManagement.keyRing.currentKeyId=old");

        Assert.Contains("UPSTREAM'S PUBLISHED DEFAULT KEY", notes, StringComparison.Ordinal);
    }

    [HelmFact]
    public void Upstream_keys_that_no_longer_apply_are_named_as_ignored()
    {
        var notes = HelmChart.Notes(["upstream-default-values.yaml"]);

        Assert.Contains("Accepted and ignored", notes, StringComparison.Ordinal);
        Assert.Contains("useAirbag", notes, StringComparison.Ordinal);
        Assert.Contains("image.version", notes, StringComparison.Ordinal);
        Assert.Contains("encryptor.*", notes, StringComparison.Ordinal);
        Assert.DoesNotContain("Accepted and ignored", HelmChart.Notes(["upstream-azure-key-vault-values.yaml"]), StringComparison.Ordinal);
    }

    [HelmFact]
    public void Workload_identity_users_are_told_which_service_accounts_their_cloud_must_now_trust()
    {
        var notes = HelmChart.Notes(["upstream-aws-kms-values.yaml"]);

        Assert.Contains("add the accounts that reach your KMS to its trust", notes, StringComparison.Ordinal);
        Assert.Contains("kamus-encryptor, kamus-decryptor", notes, StringComparison.Ordinal);
        Assert.DoesNotContain("Cloud identity", HelmChart.Notes(["upstream-google-kms-values.yaml"]), StringComparison.Ordinal);
    }

    [HelmFact]
    public void The_sample_pod_spec_mounts_a_token_bound_to_the_servers_audience_and_names_the_decryptor()
    {
        var notes = HelmChart.Notes(["upstream-aws-kms-values.yaml"]);
        var audience = PodChecks.Env(HelmChart.Template("upstream-aws-kms-values.yaml").Container("kamus-decryptor"), "Kamus__Audience");

        Assert.Equal("kamus", audience);
        Assert.Contains($"audience: {audience}", notes, StringComparison.Ordinal);
        Assert.Contains("- serviceAccountToken:", notes, StringComparison.Ordinal);
        Assert.Contains("KAMUS_URL, value: \"http://kamus-decryptor.kamus.svc.cluster.local\"", notes, StringComparison.Ordinal);
        Assert.Contains("KAMUS_ALLOW_INSECURE_URL", notes, StringComparison.Ordinal);
    }

    [HelmFact]
    public void With_tls_the_sample_uses_https_and_no_insecure_switch()
    {
        var notes = HelmChart.Notes(["new-install-values.yaml"]);

        Assert.Contains("KAMUS_URL, value: \"https://kamus-decryptor.kamus.svc.cluster.local\"", notes, StringComparison.Ordinal);
        Assert.DoesNotContain("KAMUS_ALLOW_INSECURE_URL", notes, StringComparison.Ordinal);
    }

    [HelmFact]
    public void Without_an_audience_the_notes_say_so_and_the_server_gets_none()
    {
        var notes = HelmChart.Notes(["upstream-default-values.yaml"], "string:audience=");
        var manifests = HelmChart.Template(["upstream-default-values.yaml"], "string:audience=");

        Assert.Contains("no audience is set", notes, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?m)^\s+audience:", notes);
        Assert.All(manifests.Deployments, d => Assert.False(PodChecks.HasEnv(Assert.Single(d.Spec.Template.Spec.Containers), "Kamus__Audience")));
    }
}
