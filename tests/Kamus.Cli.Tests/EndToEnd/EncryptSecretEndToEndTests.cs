using System.Text;
using System.Text.Json.Nodes;
using k8s;
using Kamus.Cli.Tests.Support;
using Kamus.Testing;
using Kamus.Testing.Faults;
using Kamus.Testing.Kubernetes;
using Kamus.Wire.Formats;

namespace Kamus.Cli.Tests.EndToEnd;

/// <summary>
/// <c>kamus encrypt-secret</c> against the real server, and its output applied to the real controller: the Secret that
/// comes out holds exactly the bytes that went in.
/// </summary>
[Collection(KamusServerTests.Name)]
public sealed class EncryptSecretEndToEndTests(CliServerFixture server)
{
    private const string Ns = CliServerFixture.Namespace;

    private const string SecretYaml = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: db-credentials
          namespace: prod
          labels:
            app: orders
          annotations:
            team: payments
            kubectl.kubernetes.io/last-applied-configuration: "{}"
        type: kubernetes.io/basic-auth
        data:
          username: b3JkZXJz
          blob: /wABAg==
        stringData:
          password: "p@ss: w0rd#1"
        """;

    [Fact]
    public async Task A_Secret_manifest_becomes_a_bound_KamusSecret_that_the_controller_turns_back_into_the_same_Secret()
    {
        var result = await Run(SecretYaml);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.DoesNotContain("p@ss", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("b3JkZXJz", result.Stdout, StringComparison.Ordinal);
        var manifest = JsonNode.Parse(KubernetesJson.Serialize(KubernetesYaml.Deserialize<object>(result.Stdout)))!.AsObject();
        Assert.Equal("soluto.com/v1alpha2", manifest["apiVersion"]!.GetValue<string>());
        Assert.Equal("KamusSecret", manifest["kind"]!.GetValue<string>());
        Assert.Equal(CliServerFixture.ServiceAccount, manifest["serviceAccount"]!.GetValue<string>());
        Assert.Equal("kubernetes.io/basic-auth", manifest["type"]!.GetValue<string>());
        Assert.Null(manifest["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]);
        Assert.Equal("kamussecret:prod/db-credentials/password", CiphertextParser.Parse(manifest["stringData"]!["password"]!.GetValue<string>()).Context);
        Assert.Equal("kamussecret:prod/db-credentials/blob", CiphertextParser.Parse(manifest["data"]!["blob"]!.GetValue<string>()).Context);

        // The pod-facing decrypt endpoint refuses the bound values, even for their service account.
        using var client = server.CreateDecryptingClient();
        var outcome = Assert.Single(await client.DecryptManyAsync([manifest["stringData"]!["password"]!.GetValue<string>()]));
        Assert.Equal(Kamus.Client.KamusErrorKind.Forbidden, outcome.Error!.Kind);

        await using var api = await KubernetesApiStandIn.StartAsync();
        await using var controller = await KamusControllerHost.StartAsync(api);
        api.Objects.Create(ApiResource.KamusSecrets, Ns, manifest);
        await api.Objects.WaitUntilAsync(s => s.Get(ApiResource.Secrets, Ns, "db-credentials") is not null, "the controller wrote the Secret");
        var secret = api.Objects.Get(ApiResource.Secrets, Ns, "db-credentials")!;
        Assert.Equal("kubernetes.io/basic-auth", secret["type"]!.GetValue<string>());
        Assert.Equal("orders", Encoding.UTF8.GetString(Bytes(secret, "username")));
        Assert.Equal([0xff, 0x00, 0x01, 0x02], Bytes(secret, "blob"));
        Assert.Equal("p@ss: w0rd#1", Encoding.UTF8.GetString(Bytes(secret, "password")));
        Assert.Equal("payments", secret["metadata"]!["annotations"]!["team"]!.GetValue<string>());
        Assert.Equal("orders", secret["metadata"]!["labels"]!["app"]!.GetValue<string>());
    }

    [Fact]
    public async Task Literals_and_files_become_a_KamusSecret_in_JSON_with_no_plaintext_on_disk_or_in_the_output()
    {
        using var dir = new TempDirectory();
        var cert = dir.Write("tls.crt", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        var before = dir.Names();

        var result = await KamusTool.RunAsync(["encrypt-secret", "-a", CliServerFixture.ServiceAccount, "-n", Ns, "-u", server.Url.ToString(), "--name", "web",
            "--from-literal", "token=s3cr3t=with=equals", "--from-file", cert, "--from-file", $"ca.crt={cert}", "--format", "json"]);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(before, dir.Names());
        var manifest = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.Equal(["ca.crt", "tls.crt"], manifest["data"]!.AsObject().Select(p => p.Key).Order());
        Assert.Equal(["token"], manifest["stringData"]!.AsObject().Select(p => p.Key));
        Assert.Equal("kamussecret:prod/web/token", CiphertextParser.Parse(manifest["stringData"]!["token"]!.GetValue<string>()).Context);
        Assert.DoesNotContain("s3cr3t", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_no_bind_the_values_are_unbound_and_the_tool_warns()
    {
        var result = await Run(SecretYaml, "--no-bind");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Contains("--no-bind", result.Stderr, StringComparison.Ordinal);
        var manifest = JsonNode.Parse(KubernetesJson.Serialize(KubernetesYaml.Deserialize<object>(result.Stdout)))!;
        Assert.Null(CiphertextParser.Parse(manifest["stringData"]!["password"]!.GetValue<string>()).Context);
    }

    [Fact]
    public async Task An_encryptor_that_cannot_bind_is_an_error_never_a_silent_unbound_manifest()
    {
        // Upstream Kamus: no /api/v2.
        await using var upstream = await FaultProxy.StartAsync(server.Url);
        upstream.Rule = (path, _) => path.StartsWith("/api/v2/", StringComparison.Ordinal) ? Fault.WithStatus(404) : null;

        var result = await KamusTool.RunAsync(["encrypt-secret", "-a", CliServerFixture.ServiceAccount, "-n", Ns, "-u", upstream.Url.ToString()], SecretYaml);

        Assert.Equal(ExitCodes.Unreachable, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Contains("does not bind values", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n", new string[0], ExitCodes.Input, "not a v1 Secret manifest")]
    [InlineData("apiVersion: v1\nkind: Secret\nmetadata: {name: x, namespace: staging}\nstringData: {a: b}\n", new string[0], ExitCodes.Usage, "namespace 'staging' but --namespace is 'prod'")]
    [InlineData("apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n", new string[0], ExitCodes.Input, "has no values")]
    [InlineData("apiVersion: v1\nkind: Secret\nstringData: {a: b}\n", new string[0], ExitCodes.Usage, "give --name")]
    [InlineData("apiVersion: v1\nkind: Secret\nmetadata: {name: x}\nstringData: {a: hunter2}\n", new[] { "-", "--from-literal", "a=other" }, ExitCodes.Input, "key 'a' is given twice")]
    [InlineData("kind: Secret\n  data: [\n", new string[0], ExitCodes.Input, "not a readable Secret manifest")]
    public async Task Bad_input_gets_one_clear_line_and_no_output(string yaml, string[] more, int exitCode, string message)
    {
        var result = await Run(yaml, more);

        Assert.True(exitCode == result.ExitCode, result.ToString());
        Assert.Empty(result.Stdout);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.Stderr, StringComparison.Ordinal);
    }

    private Task<CliResult> Run(string stdin, params string[] more) =>
        KamusTool.RunAsync(["encrypt-secret", "-a", CliServerFixture.ServiceAccount, "-n", Ns, "-u", server.Url.ToString(), .. more], stdin);

    private static byte[] Bytes(JsonObject secret, string key) => Convert.FromBase64String(secret["data"]![key]!.GetValue<string>());
}
