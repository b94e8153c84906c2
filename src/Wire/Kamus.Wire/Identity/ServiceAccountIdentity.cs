using System.Diagnostics.CodeAnalysis;

namespace Kamus.Wire.Identity;

/// <summary>
/// The identity a Kamus ciphertext is bound to: a Kubernetes service account, named by its namespace and name.
/// Its text form, <c>namespace:serviceAccount</c>, is the key-derivation input upstream Kamus uses.
/// </summary>
internal readonly record struct ServiceAccountIdentity
{
    /// <summary>Creates an identity after validating both names as Kubernetes names.</summary>
    /// <exception cref="ArgumentException">A name is not a valid Kubernetes name.</exception>
    public ServiceAccountIdentity(string @namespace, string name)
    {
        if (!KubernetesNames.IsValidNamespace(@namespace))
        {
            throw new ArgumentException("The namespace is not a valid Kubernetes namespace name (RFC 1123 label).", nameof(@namespace));
        }

        if (!KubernetesNames.IsValidServiceAccountName(name))
        {
            throw new ArgumentException("The service account is not a valid Kubernetes service-account name (RFC 1123 subdomain).", nameof(name));
        }

        Namespace = @namespace;
        Name = name;
    }

    /// <summary>The namespace.</summary>
    public string Namespace { get; }

    /// <summary>The service-account name.</summary>
    public string Name { get; }

    /// <summary>Whether this is a namespace's <c>default</c> service account, which Kamus refuses: every pod without its own account runs as it.</summary>
    public bool IsDefaultServiceAccount => string.Equals(Name, "default", StringComparison.Ordinal);

    /// <summary>Parses a Kubernetes service-account user name, <c>system:serviceaccount:&lt;namespace&gt;:&lt;name&gt;</c>.</summary>
    public static bool TryParseUserName(string? userName, [NotNullWhen(true)] out ServiceAccountIdentity? identity)
    {
        identity = null;
        const string Prefix = "system:serviceaccount:";
        if (userName is null || !userName.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = userName.AsSpan(Prefix.Length);
        var colon = rest.IndexOf(':');
        if (colon <= 0)
        {
            return false;
        }

        var ns = rest[..colon].ToString();
        var name = rest[(colon + 1)..].ToString();
        if (!KubernetesNames.IsValidNamespace(ns) || !KubernetesNames.IsValidServiceAccountName(name))
        {
            return false;
        }

        identity = new ServiceAccountIdentity(ns, name);
        return true;
    }

    /// <summary><c>namespace:serviceAccount</c>, the form upstream Kamus derives keys from. Names are not secret.</summary>
    public override string ToString() => $"{Namespace}:{Name}";
}
