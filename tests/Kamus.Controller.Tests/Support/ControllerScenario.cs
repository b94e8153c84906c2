using System.Text.Json.Nodes;
using Kamus.Testing;
using Kamus.Testing.Kubernetes;

namespace Kamus.Controller.Tests.Support;

/// <summary>
/// A Kubernetes API stand-in with the real controller reconciling against it, and the waits a test needs. Waits are
/// event-driven (re-checked on every change to the stand-in's objects), bounded, and say what they waited for.
/// </summary>
public sealed class ControllerScenario : IAsyncDisposable
{
    public const string Namespace = "apps";

    private ControllerScenario(KubernetesApiStandIn api, KamusControllerHost controller)
    {
        Api = api;
        Controller = controller;
    }

    public KubernetesApiStandIn Api { get; }

    public KamusControllerHost Controller { get; }

    public ObjectStore Objects => Api.Objects;

    public static async Task<ControllerScenario> StartAsync(Action<KamusControllerHostOptions>? configure = null, Action<KubernetesApiStandIn>? arrange = null)
    {
        var api = await KubernetesApiStandIn.StartAsync();
        try
        {
            arrange?.Invoke(api);
            return new ControllerScenario(api, await KamusControllerHost.StartAsync(api, configure));
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    public JsonObject Apply(JsonObject kamusSecret) => Objects.Create(ApiResource.KamusSecrets, Namespace, kamusSecret);

    /// <summary>Changes a KamusSecret as <c>kubectl edit</c> would (read, change, replace with its resourceVersion).</summary>
    public JsonObject Change(string name, Action<JsonObject> change)
    {
        var item = KamusSecret(name) ?? throw new InvalidOperationException($"no KamusSecret {name}");
        change(item);
        return Objects.Replace(ApiResource.KamusSecrets, Namespace, name, item);
    }

    public JsonObject? Secret(string name) => Objects.Get(ApiResource.Secrets, Namespace, name);

    public JsonObject? KamusSecret(string name) => Objects.Get(ApiResource.KamusSecrets, Namespace, name);

    /// <summary>The Events recorded on KamusSecret <paramref name="name"/>.</summary>
    public IReadOnlyList<JsonObject> Events(string name) =>
        [.. Objects.List(ApiResource.Events, Namespace).Where(e => e["involvedObject"]?["name"]?.GetValue<string>() == name)];

    /// <summary>Waits until Secret <paramref name="name"/> exists and satisfies <paramref name="until"/>.</summary>
    public async Task<JsonObject> SecretAsync(string name, Func<JsonObject, bool>? until = null, string? description = null)
    {
        await Objects.WaitUntilAsync(_ => Secret(name) is { } secret && (until?.Invoke(secret) ?? true), description ?? $"Secret {Namespace}/{name} exists");
        return Secret(name)!;
    }

    /// <summary>Waits until KamusSecret <paramref name="name"/>'s Ready condition, for its current generation, has this status and reason.</summary>
    public async Task<JsonNode> ReadyAsync(string name, string status, string reason)
    {
        await Objects.WaitUntilAsync(_ => KamusSecret(name) is { } item
            && Manifests.Ready(item) is { } ready
            && ready["status"]?.GetValue<string>() == status
            && ready["reason"]?.GetValue<string>() == reason
            && item["status"]?["observedGeneration"]?.GetValue<long>() == item["metadata"]!["generation"]!.GetValue<long>(),
            $"KamusSecret {Namespace}/{name} Ready={status} ({reason}); it is {Manifests.Ready(KamusSecret(name))?.ToJsonString() ?? "without a Ready condition"}");
        return Manifests.Ready(KamusSecret(name))!;
    }

    /// <summary>
    /// Waits until the controller's own view (its informer cache, as the <c>kamus.controller.kamussecrets</c> gauge
    /// reports it) counts <paramref name="ready"/> Ready KamusSecrets: then it has seen its own status writes.
    /// </summary>
    public Task ControllerSeesReadyAsync(int ready) =>
        Objects.WaitUntilAsync(_ => ReadyGauge()["true"] == ready, $"the controller's cache counts {ready} Ready KamusSecret(s)");

    /// <summary>The <c>kamus.controller.kamussecrets</c> gauge now, by <c>ready</c>.</summary>
    public Dictionary<string, long> ReadyGauge()
    {
        var gauge = Controller.KamusSecrets;
        gauge.RecordObservableInstruments();
        var latest = gauge.GetMeasurementSnapshot().TakeLast(3);
        return latest.ToDictionary(m => (string)m.Tags["ready"]!, m => m.Value);
    }

    public async ValueTask DisposeAsync()
    {
        await Controller.DisposeAsync();
        await Api.DisposeAsync();
    }
}
