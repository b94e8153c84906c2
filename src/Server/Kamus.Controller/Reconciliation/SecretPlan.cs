using System.Security.Cryptography;
using k8s.Models;
using Kamus.Controller.Resources;
using Kamus.Wire.Kubernetes;

namespace Kamus.Controller.Reconciliation;

/// <summary>
/// The Secret a KamusSecret calls for: same name and namespace, its <c>type</c> (default <c>Opaque</c>), its labels,
/// its annotations when <c>propagateAnnotations</c> is set, the decrypted bytes, the <see cref="ManagedAnnotation"/>,
/// and a controller ownerReference unless disabled. Labels and annotations of others on the Secret are left alone;
/// data must match exactly. Dispose zeroes the decrypted bytes.
/// </summary>
internal sealed class SecretPlan : IDisposable
{
    /// <summary>
    /// Marks a Secret as Kamus's: the controller adds it to every Secret it writes, and a Secret that carries it may be
    /// taken over by a KamusSecret of the same name (otherwise an existing Secret is never overwritten).
    /// </summary>
    public const string ManagedAnnotation = "kamussecrets.soluto.com/managed";

    private const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    private readonly KamusSecret _owner;
    private readonly Dictionary<string, byte[]> _data;
    private readonly Dictionary<string, string> _labels;
    private readonly Dictionary<string, string> _annotations;
    private readonly bool _setOwnerReference;

    public SecretPlan(KamusSecret owner, Dictionary<string, byte[]> data, bool setOwnerReference)
    {
        _owner = owner;
        _data = data;
        _setOwnerReference = setOwnerReference;
        Type = string.IsNullOrEmpty(owner.Type) ? "Opaque" : owner.Type;
        _labels = new Dictionary<string, string>(owner.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        _annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (owner.PropagateAnnotations ?? owner.AnnotationsInheritance ?? false)
        {
            foreach (var (key, value) in owner.Metadata.Annotations ?? new Dictionary<string, string>())
            {
                if (key != LastAppliedAnnotation)
                {
                    _annotations[key] = value;
                }
            }
        }

        _annotations[ManagedAnnotation] = "true";
    }

    /// <summary>The Secret's type.</summary>
    public string Type { get; }

    /// <summary>How many keys the Secret holds.</summary>
    public int Count => _data.Count;

    /// <summary>Whether <paramref name="live"/> may be written: it is controlled by this KamusSecret, or by no one and marked as Kamus's.</summary>
    public static Ownership OwnershipOf(V1Secret live, KamusSecret owner)
    {
        var controller = live.Metadata.OwnerReferences?.FirstOrDefault(r => r.Controller == true);
        if (controller is not null)
        {
            if (controller.Uid == owner.Metadata.Uid)
            {
                return Ownership.Owned;
            }

            // Left by an earlier KamusSecret of the same name: the garbage collector is about to delete it.
            return controller.Kind == KamusSecretResource.Kind && controller.Name == owner.Metadata.Name && controller.ApiVersion.StartsWith(KamusSecretResource.Group + "/", StringComparison.Ordinal)
                ? Ownership.PreviousOwner
                : Ownership.Foreign;
        }

        return live.Metadata.Annotations?.TryGetValue(ManagedAnnotation, out var managed) == true && managed == "true" ? Ownership.Owned : Ownership.Foreign;
    }

    /// <summary>A new Secret.</summary>
    public V1Secret ForCreate() => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = new V1ObjectMeta
        {
            Name = _owner.Metadata.Name,
            NamespaceProperty = _owner.Metadata.NamespaceProperty,
            Labels = new Dictionary<string, string>(_labels),
            Annotations = new Dictionary<string, string>(_annotations),
            OwnerReferences = _setOwnerReference ? [OwnerReference()] : null,
        },
        Type = Type,
        Data = new Dictionary<string, byte[]>(_data, StringComparer.Ordinal),
    };

    /// <summary>Whether <paramref name="live"/> (of the same type) already is what the KamusSecret calls for.</summary>
    public bool IsSatisfiedBy(V1Secret live)
    {
        var data = live.Data ?? new Dictionary<string, byte[]>();
        return data.Count == _data.Count
            && _data.All(pair => data.TryGetValue(pair.Key, out var bytes) && CryptographicOperations.FixedTimeEquals(bytes, pair.Value))
            && Contains(live.Metadata.Labels, _labels)
            && Contains(live.Metadata.Annotations, _annotations)
            && (!_setOwnerReference || live.Metadata.OwnerReferences?.Any(r => r.Controller == true && r.Uid == _owner.Metadata.Uid) == true);
    }

    /// <summary><paramref name="live"/> brought in line, keeping its resourceVersion (so a concurrent change is a 409) and others' metadata.</summary>
    public V1Secret UpdateOf(V1Secret live)
    {
        var metadata = live.Metadata;
        metadata.Labels = Merge(metadata.Labels, _labels);
        metadata.Annotations = Merge(metadata.Annotations, _annotations);
        if (_setOwnerReference && metadata.OwnerReferences?.Any(r => r.Controller == true && r.Uid == _owner.Metadata.Uid) != true)
        {
            metadata.OwnerReferences = [.. metadata.OwnerReferences ?? [], OwnerReference()];
        }

        live.Type = Type;
        live.Data = new Dictionary<string, byte[]>(_data, StringComparer.Ordinal);
        live.StringData = null;
        return live;
    }

    public void Dispose()
    {
        foreach (var bytes in _data.Values)
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private V1OwnerReference OwnerReference() => new()
    {
        ApiVersion = KamusSecretResource.GroupVersion,
        Kind = KamusSecretResource.Kind,
        Name = _owner.Metadata.Name,
        Uid = _owner.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    private static bool Contains(IDictionary<string, string>? actual, Dictionary<string, string> expected) =>
        expected.All(pair => actual?.TryGetValue(pair.Key, out var value) == true && value == pair.Value);

    private static Dictionary<string, string> Merge(IDictionary<string, string>? actual, Dictionary<string, string> expected)
    {
        var merged = new Dictionary<string, string>(actual ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in expected)
        {
            merged[key] = value;
        }

        return merged;
    }
}

/// <summary>Whose an existing Secret is.</summary>
internal enum Ownership
{
    /// <summary>This KamusSecret's (its controller ownerReference, or unowned and marked as Kamus's).</summary>
    Owned,

    /// <summary>Controlled by an earlier KamusSecret of the same name, which the garbage collector will delete.</summary>
    PreviousOwner,

    /// <summary>Someone else's: never overwritten.</summary>
    Foreign,
}
