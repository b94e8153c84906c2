using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kamus.Deploy.Tests.Rendering;
using YamlDotNet.Serialization;

namespace Kamus.Deploy.Tests.Crd;

/// <summary>deploy/kubernetes/controller/crd.yaml: upstream's KamusSecret, unchanged for its users, plus a status.</summary>
public sealed class KamusSecretDefinitionTests
{
    // Shaped like upstream's own v1alpha2 manifests (tests/crd-controller in Soluto/kamus): fields at the top level.
    private const string UpstreamManifest = """
        apiVersion: soluto.com/v1alpha2
        kind: KamusSecret
        metadata:
          name: my-tls-secret
          namespace: default
          annotations: { team: payments }
        type: kubernetes.io/tls
        stringData:
          tls.key: J9NYLzTC/O44DvlCEZ+LfQ==:Cc9O5zQzFOyxwTD5ZHseqg==
        data:
          tls.crt: 5SRnC8HJ6gJEOCpgby3ZSQ==:LUfzADu23z1l9CWFXzR71/Ua74IxI12Ehn18d5hnqA+C40D6o1qfaaOLuPzw
        serviceAccount: some-sa
        propagateAnnotations: true
        """;

    private static V1CustomResourceDefinition Definition =>
        (V1CustomResourceDefinition)Assert.Single(KubernetesYaml.LoadAllFromString(File.ReadAllText(RepositoryPaths.Kustomize("controller/crd.yaml"))));

    [Fact]
    public void It_is_upstreams_group_version_kind_and_names()
    {
        var definition = Definition;

        Assert.Equal("kamussecrets.soluto.com", definition.Metadata.Name);
        Assert.Equal(("soluto.com", "Namespaced"), (definition.Spec.Group, definition.Spec.Scope));
        Assert.Equal(("KamusSecret", "kamussecrets", "kamussecret"), (definition.Spec.Names.Kind, definition.Spec.Names.Plural, definition.Spec.Names.Singular));
        Assert.Contains("ks", definition.Spec.Names.ShortNames);
        var version = Assert.Single(definition.Spec.Versions);
        Assert.Equal("v1alpha2", version.Name);
        Assert.True(version.Served && version.Storage);
    }

    [Fact]
    public void It_has_a_status_subresource_with_observed_generation_and_ready_conditions_shown_by_kubectl_get()
    {
        var version = Assert.Single(Definition.Spec.Versions);
        var status = version.Schema.OpenAPIV3Schema.Properties["status"];
        var conditions = status.Properties["conditions"];

        Assert.NotNull(version.Subresources.Status);
        Assert.Equal(("integer", "int64"), (status.Properties["observedGeneration"].Type, status.Properties["observedGeneration"].Format));
        Assert.Equal(("array", "map"), (conditions.Type, conditions.XKubernetesListType));
        Assert.Equal(["type"], conditions.XKubernetesListMapKeys);
        var condition = Schema(conditions.Items)!;
        Assert.Equal(["type", "status", "lastTransitionTime", "reason", "message"], condition.Required);
        Assert.Equal(["True", "False", "Unknown"], condition.Properties["status"].EnumProperty.Select(e => e.ToString()));
        Assert.Contains(version.AdditionalPrinterColumns, c => c.Name == "Ready" && c.JsonPath == ".status.conditions[?(@.type==\"Ready\")].status");
        Assert.Contains(version.AdditionalPrinterColumns, c => c.JsonPath == ".serviceAccount");
    }

    [Fact]
    public void Upstreams_manifests_fit_the_schema_as_they_are()
    {
        var schema = Assert.Single(Definition.Spec.Versions).Schema.OpenAPIV3Schema;
        var manifest = YamlToJson(UpstreamManifest);

        Assert.Equal([], SchemaViolations(schema, manifest, "$"));
        Assert.Equal(
            ["annotationsInheritance", "apiVersion", "data", "kind", "metadata", "propagateAnnotations", "serviceAccount", "status", "stringData", "type"],
            schema.Properties.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_schema_refuses_what_the_controller_could_not_use()
    {
        var schema = Assert.Single(Definition.Spec.Versions).Schema.OpenAPIV3Schema;
        var wrong = JsonSerializer.SerializeToElement(new { data = new { key = 42 }, propagateAnnotations = "yes", spec = new { } });

        Assert.Equal(["$.data.key: number is not string", "$.propagateAnnotations: string is not boolean", "$.spec: not in the schema"], SchemaViolations(schema, wrong, "$"));
    }

    [HelmFact]
    public void The_helm_chart_installs_the_same_definition_and_keeps_it_on_uninstall()
    {
        var chart = HelmChart.Template(["upstream-default-values.yaml"]);
        var installed = Assert.Single(chart.All<V1CustomResourceDefinition>());

        Assert.Equal(Canonical(Definition.Spec), Canonical(installed.Spec));
        Assert.Equal("keep", installed.Metadata.Annotations["helm.sh/resource-policy"]);
        Assert.Empty(HelmChart.Template(["upstream-default-values.yaml"], "controller.installCRD=false").All<V1CustomResourceDefinition>());
    }

    /// <summary>A nested schema (KubernetesClient leaves `items` and `additionalProperties` as parsed YAML).</summary>
    private static V1JSONSchemaProps? Schema(object? nested) => nested switch
    {
        null or bool => null,
        V1JSONSchemaProps schema => schema,
        _ => KubernetesJson.Deserialize<V1JSONSchemaProps>(new SerializerBuilder().JsonCompatible().Build().Serialize(nested)),
    };

    /// <summary>JSON with every object's keys sorted, so that two renderings compare by content.</summary>
    private static string Canonical(object value)
    {
        static JsonNode? Sort(JsonNode? node) => node switch
        {
            JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value?.DeepClone())))),
            JsonArray a => new JsonArray([.. a.Select(i => Sort(i?.DeepClone()))]),
            _ => node?.DeepClone(),
        };

        return Sort(JsonNode.Parse(KubernetesJson.Serialize(value)))!.ToJsonString();
    }

    private static JsonElement YamlToJson(string yaml)
    {
        var parsed = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize<object>(yaml);
        return JsonDocument.Parse(new SerializerBuilder().JsonCompatible().Build().Serialize(parsed)).RootElement.Clone();
    }

    /// <summary>The structural part of OpenAPI validation the API server applies (types, known fields), enough for these fields.</summary>
    private static List<string> SchemaViolations(V1JSONSchemaProps schema, JsonElement value, string path)
    {
        var found = value.ValueKind switch
        {
            JsonValueKind.Object => "object",
            JsonValueKind.Array => "array",
            JsonValueKind.String => "string",
            JsonValueKind.Number => schema.Type == "integer" && value.TryGetInt64(out _) ? "integer" : "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        };
        if (schema.Type is { } type && type != found)
        {
            return [$"{path}: {found} is not {type}"];
        }

        var violations = new List<string>();
        if (value.ValueKind == JsonValueKind.Object && schema.Type == "object" && (schema.Properties is not null || schema.AdditionalProperties is not null))
        {
            foreach (var property in value.EnumerateObject())
            {
                var propertySchema = schema.Properties is { } properties && properties.TryGetValue(property.Name, out var known)
                    ? known
                    : Schema(schema.AdditionalProperties);
                violations.AddRange(propertySchema is null
                    ? [$"{path}.{property.Name}: not in the schema"]
                    : SchemaViolations(propertySchema, property.Value, $"{path}.{property.Name}"));
            }
        }

        return violations;
    }
}
