using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kamus.Controller.Tests.Support;
using Kamus.Testing;
using Kamus.Testing.Kubernetes;

namespace Kamus.Controller.Tests;

/// <summary>
/// The Kubernetes API stand-in answers the real KubernetesClient as the API server would, in what the controller relies
/// on: optimistic concurrency, the status subresource, generation, Secret rules, watch expiry and garbage collection.
/// </summary>
public sealed class StandInTests : IAsyncLifetime, IDisposable
{
    private KubernetesApiStandIn _api = null!;
    private Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _api = await KubernetesApiStandIn.StartAsync();
        _client = new Kubernetes(new KubernetesClientConfiguration { Host = _api.Url.ToString() });
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task An_update_with_a_stale_resourceVersion_is_409_and_a_no_op_update_keeps_the_resourceVersion()
    {
        var created = await _client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new() { Name = "s" }, StringData = new Dictionary<string, string> { ["a"] = "1" } }, "ns");
        Assert.Equal("MQ==", Convert.ToBase64String(created.Data["a"]));
        Assert.Null(created.StringData);
        var stale = created.Metadata.ResourceVersion;
        created.Data["a"] = "2"u8.ToArray();
        var updated = await _client.CoreV1.ReplaceNamespacedSecretAsync(created, "s", "ns");

        created.Metadata.ResourceVersion = stale;
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ReplaceNamespacedSecretAsync(created, "s", "ns"));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
        var same = await _client.CoreV1.ReplaceNamespacedSecretAsync(updated, "s", "ns");
        Assert.Equal(updated.Metadata.ResourceVersion, same.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task A_Secrets_type_is_immutable_and_tls_Secrets_need_their_keys()
    {
        var created = await _client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new() { Name = "s" }, Data = new Dictionary<string, byte[]> { ["a"] = [1] } }, "ns");
        Assert.Equal("Opaque", created.Type);

        created.Type = "kubernetes.io/basic-auth";
        var immutable = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ReplaceNamespacedSecretAsync(created, "s", "ns"));
        var tls = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new() { Name = "t" }, Type = "kubernetes.io/tls", Data = new Dictionary<string, byte[]> { ["tls.crt"] = [1] } }, "ns"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, immutable.Response.StatusCode);
        Assert.Contains("field is immutable", immutable.Response.Content, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tls.Response.StatusCode);
    }

    [Fact]
    public async Task The_status_subresource_and_the_main_resource_each_change_only_their_part_and_only_spec_bumps_generation()
    {
        _api.Objects.Create(ApiResource.KamusSecrets, "ns", Manifests.KamusSecret("k", "sa", stringData: new Dictionary<string, string> { ["a"] = "x" }));

        await _client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch("{\"status\":{\"observedGeneration\":1},\"serviceAccount\":\"ignored\"}", V1Patch.PatchType.MergePatch), "soluto.com", "v1alpha2", "ns", "kamussecrets", "k");
        var afterStatus = _api.Objects.Get(ApiResource.KamusSecrets, "ns", "k")!;
        var item = (JsonObject)afterStatus.DeepClone();
        item["status"] = new JsonObject { ["observedGeneration"] = 99 };
        item["metadata"]!["labels"] = new JsonObject { ["l"] = "v" };
        var afterLabel = _api.Objects.Replace(ApiResource.KamusSecrets, "ns", "k", item);
        item = (JsonObject)afterLabel.DeepClone();
        item["serviceAccount"] = "other";
        var afterSpec = _api.Objects.Replace(ApiResource.KamusSecrets, "ns", "k", item);

        Assert.Equal("sa", afterStatus["serviceAccount"]!.GetValue<string>());
        Assert.Equal(1, afterStatus["status"]!["observedGeneration"]!.GetValue<long>());
        Assert.Equal(1, afterLabel["status"]!["observedGeneration"]!.GetValue<long>());
        Assert.Equal(1, afterLabel["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal(2, afterSpec["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_watch_from_a_compacted_resourceVersion_gets_410_Expired_as_an_ERROR_event()
    {
        _api.Objects.Create(ApiResource.KamusSecrets, "ns", Manifests.KamusSecret("k", "sa"));
        var old = _api.Objects.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _api.Objects.Create(ApiResource.KamusSecrets, "ns", Manifests.KamusSecret("k2", "sa"));
        _api.Objects.Compact();
        Exception? error = null;

        var response = _client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<object>("soluto.com", "v1alpha2", "kamussecrets", resourceVersion: old, watch: true);
#pragma warning disable CS0618
        await foreach (var _ in response.WatchAsync<object, object>(e => error = e))
#pragma warning restore CS0618
        {
            Assert.Fail("no event is replayed from a compacted resourceVersion");
        }

        Assert.Equal(410, Assert.IsType<KubernetesException>(error).Status.Code);
    }

    [Theory]
    [InlineData("Background", false)]
    [InlineData("Orphan", true)]
    public void Deleting_an_owner_deletes_or_orphans_its_dependents(string propagation, bool orphaned)
    {
        var owner = _api.Objects.Create(ApiResource.KamusSecrets, "ns", Manifests.KamusSecret("k", "sa"));
        var dependent = Manifests.Secret("k", new Dictionary<string, string> { ["a"] = "b" });
        dependent["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "soluto.com/v1alpha2", ["kind"] = "KamusSecret", ["name"] = "k", ["uid"] = owner["metadata"]!["uid"]!.GetValue<string>(), ["controller"] = true,
        });
        _api.Objects.Create(ApiResource.Secrets, "ns", dependent);

        _api.Objects.Delete(ApiResource.KamusSecrets, "ns", "k", propagationPolicy: propagation);

        var left = _api.Objects.Get(ApiResource.Secrets, "ns", "k");
        Assert.Equal(orphaned, left is not null);
        Assert.Empty(left?["metadata"]!["ownerReferences"]!.AsArray() ?? []);
    }

    [Fact]
    public void A_dependent_created_for_an_owner_that_does_not_exist_is_collected()
    {
        var dependent = Manifests.Secret("k", new Dictionary<string, string> { ["a"] = "b" });
        dependent["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "soluto.com/v1alpha2", ["kind"] = "KamusSecret", ["name"] = "k", ["uid"] = Guid.NewGuid().ToString() });

        _api.Objects.Create(ApiResource.Secrets, "ns", dependent);

        Assert.Null(_api.Objects.Get(ApiResource.Secrets, "ns", "k"));
    }
}
