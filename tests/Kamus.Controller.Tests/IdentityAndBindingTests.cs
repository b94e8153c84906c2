using System.Text.Json.Nodes;
using k8s;
using Kamus.Testing;
using Kamus.Controller.Tests.Support;
using Kamus.Testing.Kubernetes;

namespace Kamus.Controller.Tests;

/// <summary>
/// Values decrypt for <c>namespace:serviceAccount</c> of the KamusSecret, in every format the server reads; values
/// bound to a KamusSecret key decrypt only there, which closes upstream's threat (create a KamusSecret naming any
/// service account of the namespace, read the Secret).
/// </summary>
public sealed class IdentityAndBindingTests(Encryptor encryptor) : IClassFixture<Encryptor>
{
    private const string Ns = ControllerScenario.Namespace;

    [Fact]
    public async Task Every_upstream_ciphertext_is_accepted_unchanged()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        foreach (var group in CompatVectors.All.GroupBy(v => v.Id))
        {
            var (ns, sa) = (group.First().Namespace, group.First().ServiceAccount);
            var name = $"vectors-{sa}";
            var vectors = group.ToList();
            var stringData = vectors.Select((v, i) => (Key: $"v{i}", v.Ciphertext)).ToDictionary(p => p.Key, p => p.Ciphertext);
            scenario.Objects.Create(ApiResource.KamusSecrets, ns, Manifests.KamusSecret(name, sa, stringData: stringData));

            await scenario.Objects.WaitUntilAsync(_ => scenario.Objects.Get(ApiResource.Secrets, ns, name) is not null, $"Secret {ns}/{name}");
            var text = Manifests.Text(scenario.Objects.Get(ApiResource.Secrets, ns, name));
            for (var i = 0; i < vectors.Count; i++)
            {
                Assert.Equal(vectors[i].Plaintext, text[$"v{i}"]);
            }
        }
    }

    [Fact]
    public async Task An_upstream_manifest_applies_as_it_is()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        var vector = CompatVectors.All.First(v => v.Id == "default:kamus-example-sa" && !v.IsEnvelope);
        var data = await encryptor.UnboundAsync("default", "kamus-example-sa", new Dictionary<string, string> { ["key3"] = Convert.ToBase64String("-----BEGIN KEY-----"u8) });
        // The shape of upstream's tests/crd-controller/tls-KamusSecretV1Alpha2.yaml: no namespace, a custom type, both maps.
        var yaml = $"""
            apiVersion: "soluto.com/v1alpha2"
            kind: KamusSecret
            metadata:
              name: my-tls-secret
            type: TlsSecret
            stringData:
              key: {vector.Ciphertext}
            data:
              key3: {data["key3"]}
            serviceAccount: kamus-example-sa
            """;
        var manifest = JsonNode.Parse(KubernetesJson.Serialize(KubernetesYaml.Deserialize<object>(yaml)))!.AsObject();

        scenario.Objects.Create(ApiResource.KamusSecrets, "default", manifest);

        await scenario.Objects.WaitUntilAsync(_ => scenario.Objects.Get(ApiResource.Secrets, "default", "my-tls-secret") is not null, "Secret default/my-tls-secret");
        var secret = scenario.Objects.Get(ApiResource.Secrets, "default", "my-tls-secret")!;
        Assert.Equal("TlsSecret", secret["type"]!.GetValue<string>());
        Assert.Equal(vector.Plaintext, Manifests.Text(secret)["key"]);
        Assert.Equal("-----BEGIN KEY-----", Manifests.Text(secret)["key3"]);
    }

    [Fact]
    public async Task Values_made_for_one_service_account_are_refused_in_a_KamusSecret_naming_another()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        // Unbound values, as upstream's tools make them: only the service account protects them.
        var forBilling = await encryptor.UnboundAsync(Ns, "billing", new Dictionary<string, string> { ["password"] = "billing-only" });

        scenario.Apply(Manifests.KamusSecret("stolen", "orders", stringData: forBilling));

        var ready = await scenario.ReadyAsync("stolen", "False", "DecryptionFailed");
        Assert.Contains("Forbidden", ready["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(scenario.Secret("stolen"));
    }

    [Fact]
    public async Task A_bound_value_copied_into_another_KamusSecret_of_the_same_service_account_is_refused()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        var bound = await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["password"] = "db-only" });
        scenario.Apply(Manifests.KamusSecret("db", "orders", stringData: bound));
        await scenario.ReadyAsync("db", "True", "Synced");

        // The attacker can create KamusSecrets and read Secrets in the namespace, and copies the ciphertext.
        scenario.Apply(Manifests.KamusSecret("copy", "orders", stringData: bound));

        var ready = await scenario.ReadyAsync("copy", "False", "DecryptionFailed");
        Assert.Contains("bound to kamussecret:apps/db/password, not to kamussecret:apps/copy/password", ready["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(scenario.Secret("copy"));
    }

    [Fact]
    public async Task A_bound_value_moved_to_another_key_of_its_own_KamusSecret_is_refused()
    {
        await using var scenario = await ControllerScenario.StartAsync();
        var bound = await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["password"] = "p" });

        scenario.Apply(Manifests.KamusSecret("db", "orders", stringData: new Dictionary<string, string> { ["user"] = bound["password"] }));

        var ready = await scenario.ReadyAsync("db", "False", "DecryptionFailed");
        Assert.Contains("stringData.user", ready["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
