using k8s.Models;
using Kamus.Cli.Secrets;

namespace Kamus.Cli.Tests.Secrets;

/// <summary>
/// The exact bytes <c>kamus encrypt-secret</c> prints, pinned: users commit them, so any change is a diff in their
/// repositories. Ciphertexts hold <c>+</c> and <c>/</c>; JSON escapes <c>+</c>, <c>&amp;</c>, <c>&lt;</c> and non-ASCII.
/// </summary>
public sealed class KamusSecretManifestTests
{
    [Fact]
    public void Yaml_keeps_its_field_order_and_quoting() => Assert.Equal(Lines("""
        apiVersion: soluto.com/v1alpha2
        kind: KamusSecret
        metadata:
          annotations:
            team: payments & <ops>
            note: "héllo: 'x'"
          labels:
            app: orders
          name: db-credentials
          namespace: prod
        type: kubernetes.io/basic-auth
        serviceAccount: orders
        propagateAnnotations: true
        data:
          blob: k2:AAEC+/8=x
          username: k2:b3Jk+ZXJz/
        stringData:
          password: k2:cA==+/
        """), Full().Format(json: false));

    [Fact]
    public void Json_is_indented_with_the_default_escaping_and_a_final_newline() => Assert.Equal(Lines("""
        {
          "apiVersion": "soluto.com/v1alpha2",
          "kind": "KamusSecret",
          "metadata": {
            "annotations": {
              "team": "payments \u0026 \u003Cops\u003E",
              "note": "h\u00E9llo: \u0027x\u0027"
            },
            "labels": {
              "app": "orders"
            },
            "name": "db-credentials",
            "namespace": "prod"
          },
          "type": "kubernetes.io/basic-auth",
          "serviceAccount": "orders",
          "propagateAnnotations": true,
          "data": {
            "blob": "k2:AAEC\u002B/8=x",
            "username": "k2:b3Jk\u002BZXJz/"
          },
          "stringData": {
            "password": "k2:cA==\u002B/"
          }
        }
        """) + Environment.NewLine, Full().Format(json: true));

    [Fact]
    public void Absent_fields_are_left_out() =>
        Assert.Equal([Lines("""
        {
          "apiVersion": "soluto.com/v1alpha2",
          "kind": "KamusSecret",
          "metadata": {
            "name": "web",
            "namespace": "prod"
          },
          "serviceAccount": "web",
          "stringData": {
            "token": "k2:abc"
          }
        }
        """) + Environment.NewLine, Lines("""
        apiVersion: soluto.com/v1alpha2
        kind: KamusSecret
        metadata:
          name: web
          namespace: prod
        serviceAccount: web
        stringData:
          token: k2:abc
        """)], [Minimal().Format(json: true), Minimal().Format(json: false)]);

    private static string Lines(string text) => text.ReplaceLineEndings();

    private static KamusSecretManifest Full() => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "db-credentials",
            NamespaceProperty = "prod",
            Labels = new Dictionary<string, string> { ["app"] = "orders" },
            Annotations = new Dictionary<string, string> { ["team"] = "payments & <ops>", ["note"] = "héllo: 'x'" },
        },
        Type = "kubernetes.io/basic-auth",
        ServiceAccount = "orders",
        PropagateAnnotations = true,
        Data = new Dictionary<string, string> { ["blob"] = "k2:AAEC+/8=x", ["username"] = "k2:b3Jk+ZXJz/" },
        StringData = new Dictionary<string, string> { ["password"] = "k2:cA==+/" },
    };

    private static KamusSecretManifest Minimal() => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "prod" },
        ServiceAccount = "web",
        StringData = new Dictionary<string, string> { ["token"] = "k2:abc" },
    };
}
