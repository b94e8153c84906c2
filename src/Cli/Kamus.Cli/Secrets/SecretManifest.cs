using System.Text;
using k8s;
using k8s.Models;
using Kamus.Cli.Files;
using Kamus.Wire.Identity;
using YamlDotNet.Core;

namespace Kamus.Cli.Secrets;

/// <summary>
/// The Secret <c>kamus encrypt-secret</c> turns into a KamusSecret: from a manifest (YAML or JSON, file or standard
/// input), or from <c>--from-literal key=value</c> and <c>--from-file [key=]path</c> as <c>kubectl create secret</c>
/// takes them. <c>data</c> values are bytes (written as base64 text, which is what a KamusSecret's <c>data</c>
/// decrypts to); <c>stringData</c> values are text. Nothing is written anywhere but memory.
/// </summary>
internal sealed class SecretManifest
{
    private const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    public string? Name { get; private set; }

    public string? Namespace { get; private set; }

    public string? Type { get; set; }

    public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Annotations { get; } = new(StringComparer.Ordinal);

    /// <summary>Key → base64 of the bytes.</summary>
    public Dictionary<string, string> Data { get; } = new(StringComparer.Ordinal);

    /// <summary>Key → text.</summary>
    public Dictionary<string, string> StringData { get; } = new(StringComparer.Ordinal);

    public int Count => Data.Count + StringData.Count;

    /// <summary>Reads a Secret manifest; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="CliException">Not a readable Secret manifest (the message quotes no value).</exception>
    public static SecretManifest Parse(string text, string source)
    {
        V1Secret secret;
        try
        {
            // The kind first, so a ConfigMap is called a ConfigMap rather than a Secret with bad base64.
            var header = KubernetesYaml.Deserialize<KubernetesObject>(text);
            if (header is null || header.Kind != "Secret" || (header.ApiVersion ?? "v1") != "v1")
            {
                throw CliException.Input($"{source} is not a v1 Secret manifest (kind: {header?.Kind ?? "none"}).");
            }

            secret = KubernetesYaml.Deserialize<V1Secret>(text);
        }
        catch (Exception e) when (e is YamlException or FormatException or InvalidOperationException)
        {
            throw CliException.Input($"{source} is not a readable Secret manifest (YAML or JSON){Where(e)}.", e);
        }

        var manifest = new SecretManifest
        {
            Name = secret.Metadata?.Name,
            Namespace = secret.Metadata?.NamespaceProperty,
            Type = secret.Type,
        };
        foreach (var (key, value) in secret.Metadata?.Labels ?? new Dictionary<string, string>())
        {
            manifest.Labels[key] = value;
        }

        foreach (var (key, value) in secret.Metadata?.Annotations ?? new Dictionary<string, string>())
        {
            if (key != LastAppliedAnnotation)
            {
                manifest.Annotations[key] = value;
            }
        }

        foreach (var (key, bytes) in secret.Data ?? new Dictionary<string, byte[]>())
        {
            manifest.Add(key, manifest.Data, Convert.ToBase64String(bytes ?? []));
        }

        foreach (var (key, value) in secret.StringData ?? new Dictionary<string, string>())
        {
            // As the API server does, stringData wins over data for the same key.
            manifest.Data.Remove(key);
            manifest.Add(key, manifest.StringData, value ?? "");
        }

        return manifest;
    }

    public static SecretManifest Empty() => new();

    /// <summary><c>--from-literal key=value</c>: text.</summary>
    public void AddLiteral(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw CliException.Usage($"--from-literal needs key=value; got an argument without a key before '='.");
        }

        Add(argument[..equals], StringData, argument[(equals + 1)..]);
    }

    /// <summary><c>--from-file [key=]path</c>: the file's bytes, under its file name unless a key is given.</summary>
    public void AddFile(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        var (key, path) = equals > 0 ? (argument[..equals], argument[(equals + 1)..]) : (Path.GetFileName(argument), argument);
        Add(key, Data, Convert.ToBase64String(InputFile.ReadAllBytes(path)));
    }

    /// <summary>Sets the name (<paramref name="name"/> over the manifest's) and the namespace, refusing a contradiction with the manifest's.</summary>
    public void Resolve(string? name, string @namespace)
    {
        Name = name ?? Name ?? throw CliException.Usage("the Secret has no metadata.name; give --name.");
        if (!KubernetesNames.IsValidServiceAccountName(Name))
        {
            throw CliException.Usage($"'{Name}' is not a valid Secret name (lowercase letters, digits, '-' and '.').");
        }

        if (Namespace is not null && Namespace != @namespace)
        {
            throw CliException.Usage($"the Secret is in namespace '{Namespace}' but --namespace is '{@namespace}': a KamusSecret and its service account share one namespace.");
        }

        Namespace = @namespace;
    }

    private void Add(string key, Dictionary<string, string> into, string value)
    {
        if (key.Length is 0 or > 253 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw CliException.Input($"'{key}' is not a valid Secret key (letters, digits, '-', '_' and '.').");
        }

        if (Data.ContainsKey(key) || StringData.ContainsKey(key))
        {
            throw CliException.Input($"key '{key}' is given twice.");
        }

        into[key] = value;
    }

    private static string Where(Exception e) => e is YamlException yaml ? $": line {yaml.Start.Line}, column {yaml.Start.Column}" : "";

    /// <summary>Redacted: names and counts only.</summary>
    public override string ToString() => new StringBuilder().Append("Secret ").Append(Namespace).Append('/').Append(Name).Append(" (").Append(Count).Append(" values)").ToString();
}
