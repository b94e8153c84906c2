using k8s;
using k8s.Models;
using Kamus.Controller.Tests.Support;
using Kamus.Testing;
using Kamus.Testing.Kubernetes;
using Microsoft.Extensions.Time.Testing;

namespace Kamus.Controller.Tests;

/// <summary>
/// Every request the controller makes, through every path (create, update, drift, type change, refusal, events,
/// leader election), is allowed by the RBAC rules docs/controller.md lists, and by nothing broader.
/// </summary>
public sealed class LeastPrivilegeTests(Encryptor encryptor) : IClassFixture<Encryptor>
{
    private const string Ns = ControllerScenario.Namespace;

    // The rules of docs/controller.md ("RBAC"): (API group, resource, verbs, namespace-scoped to POD_NAMESPACE).
    private static readonly (string Group, string Resource, string[] Verbs, bool PodNamespaceOnly)[] Rules =
    [
        ("soluto.com", "kamussecrets", ["list", "watch"], false),
        ("soluto.com", "kamussecrets/status", ["patch"], false),
        ("", "secrets", ["get", "create", "update", "delete"], false),
        ("", "events", ["create"], false),
        ("coordination.k8s.io", "leases", ["get", "create", "update"], true),
    ];

    [Fact]
    public async Task Every_request_of_a_full_life_cycle_is_within_the_documented_rules_and_allowed_by_the_shipped_RBAC()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var scenario = await ControllerScenario.StartAsync(options => options.TimeProvider = time, api =>
            api.Objects.Create(ApiResource.Secrets, Ns, Manifests.Secret("foreign", new Dictionary<string, string> { ["a"] = "b" })));
        scenario.Apply(Manifests.KamusSecret("db", "orders", stringData: await encryptor.BoundAsync(Ns, "orders", "db", new Dictionary<string, string> { ["password"] = "p" })));
        scenario.Apply(Manifests.KamusSecret("foreign", "orders", stringData: await encryptor.BoundAsync(Ns, "orders", "foreign", new Dictionary<string, string> { ["a"] = "c" })));
        await scenario.ReadyAsync("db", "True", "Synced");
        await scenario.ReadyAsync("foreign", "False", "SecretNotOwned");

        scenario.Change("db", item => item["type"] = "example.com/custom");
        await scenario.SecretAsync("db", s => s["type"]!.GetValue<string>() == "example.com/custom", "the Secret is recreated with its new type");
        scenario.Objects.Patch(ApiResource.Secrets, Ns, "db", new() { ["stringData"] = new System.Text.Json.Nodes.JsonObject { ["password"] = "drifted" } });
        time.Advance(TimeSpan.FromSeconds(60));
        await scenario.SecretAsync("db", s => Manifests.Text(s)["password"] == "p", "drift is repaired");
        await scenario.Controller.StopAsync();

        var requests = scenario.Api.Requests.All;
        Assert.Contains(requests, r => r is { Verb: "delete", Resource: "secrets" });
        Assert.Contains(requests, r => r is { Verb: "update", Resource: "secrets" });
        Assert.Contains(requests, r => r is { Verb: "create", Resource: "events" });
        var shipped = ShippedRules();
        foreach (var request in requests)
        {
            Assert.True(Allowed(request), $"not allowed by the documented RBAC rules: {request.Verb} {request.Group}/{request.RbacResource} in {request.Namespace ?? "(all namespaces)"}");
            Assert.True(shipped.Any(rule => rule.Allows(request)), $"not allowed by deploy/kubernetes/controller/rbac.yaml: {request.Verb} {request.Group}/{request.RbacResource} {request.Name}");
        }
    }

    // The ClusterRole and Role of deploy/kubernetes/controller/rbac.yaml, as the API server would evaluate them.
    private static List<ShippedRule> ShippedRules()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "Kamus.Client.sln")))
        {
            directory = directory.Parent ?? throw new DirectoryNotFoundException("Kamus.Client.sln was not found above the test output directory.");
        }

        var yaml = File.ReadAllText(Path.Combine(directory.FullName, "deploy", "kubernetes", "controller", "rbac.yaml"));
        var rules = new List<ShippedRule>();
        foreach (var item in KubernetesYaml.LoadAllFromString(yaml))
        {
            var (scope, policy) = item switch
            {
                V1ClusterRole role => ((string?)null, role.Rules),
                V1Role role => (role.Metadata.NamespaceProperty, role.Rules),
                _ => (null, null),
            };
            rules.AddRange(policy?.Select(rule => new ShippedRule(rule, scope)) ?? []);
        }

        return rules;
    }

    private sealed record ShippedRule(V1PolicyRule Rule, string? Namespace)
    {
        public bool Allows(ApiRequest request) =>
            Rule.ApiGroups.Contains(request.Group) && Rule.Resources.Contains(request.RbacResource) && Rule.Verbs.Contains(request.Verb)
            && (Namespace is null || Namespace == request.Namespace)
            && (Rule.ResourceNames is not { Count: > 0 } names || (request.Name is not null && names.Contains(request.Name)));
    }

    private static bool Allowed(ApiRequest request) => Rules.Any(rule =>
        rule.Group == request.Group && rule.Resource == request.RbacResource && rule.Verbs.Contains(request.Verb)
        && (!rule.PodNamespaceOnly || request.Namespace == KamusControllerHost.PodNamespace));
}
