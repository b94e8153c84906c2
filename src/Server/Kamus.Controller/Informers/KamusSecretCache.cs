using System.Collections.Concurrent;
using Kamus.Controller.Reconciliation;
using Kamus.Controller.Resources;

namespace Kamus.Controller.Informers;

/// <summary>
/// The informer's view of every KamusSecret in the cluster, by <c>namespace/name</c>. Reconciles read it instead of the
/// API, so the controller needs no <c>get</c> on KamusSecrets and costs the API server nothing per reconcile.
/// </summary>
internal sealed class KamusSecretCache
{
    private readonly ConcurrentDictionary<string, KamusSecret> _items = new(StringComparer.Ordinal);
    private volatile bool _synced;

    /// <summary>Whether a full list has been read (reconciles before that could mistake "not listed yet" for "deleted").</summary>
    public bool HasSynced => _synced;

    /// <summary>How many KamusSecrets are known.</summary>
    public int Count => _items.Count;

    public KamusSecret? Get(string key) => _items.TryGetValue(key, out var item) ? item : null;

    public ICollection<string> Keys => _items.Keys;

    /// <summary>Stores <paramref name="item"/>; returns whether the change can affect its Secret (not only its status).</summary>
    public bool Upsert(KamusSecret item)
    {
        var previous = _items.TryGetValue(item.Key, out var old) ? old : null;
        _items[item.Key] = item;
        return previous is null || AffectsSecret(previous, item);
    }

    public void Remove(string key) => _items.TryRemove(key, out _);

    /// <summary>Forgets everything (a new leader term lists afresh).</summary>
    public void Reset()
    {
        _synced = false;
        _items.Clear();
    }

    /// <summary>Replaces the whole view with a fresh list; returns every key listed or dropped.</summary>
    public List<string> Replace(IEnumerable<KamusSecret> items)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            _items[item.Key] = item;
            seen.Add(item.Key);
        }

        var changed = seen.ToList();
        foreach (var key in _items.Keys.Where(key => !seen.Contains(key)).ToList())
        {
            _items.TryRemove(key, out _);
            changed.Add(key);
        }

        _synced = true;
        return changed;
    }

    /// <summary>KamusSecrets whose <c>Ready</c> condition is True, False, or missing or out of date.</summary>
    public (int Ready, int NotReady, int Unknown) CountByReady()
    {
        int ready = 0, notReady = 0, unknown = 0;
        foreach (var item in _items.Values)
        {
            var condition = ReadyCondition.Find(item);
            if (condition is null || item.Status?.ObservedGeneration != item.Metadata.Generation)
            {
                unknown++;
            }
            else if (condition.Status == "True")
            {
                ready++;
            }
            else
            {
                notReady++;
            }
        }

        return (ready, notReady, unknown);
    }

    // Status changes (this controller's own writes among them) leave generation, labels and annotations alone.
    private static bool AffectsSecret(KamusSecret previous, KamusSecret current) =>
        previous.Metadata.Uid != current.Metadata.Uid
        || previous.Metadata.Generation != current.Metadata.Generation
        || !SameMap(previous.Metadata.Labels, current.Metadata.Labels)
        || !SameMap(previous.Metadata.Annotations, current.Metadata.Annotations);

    private static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(pair => b!.TryGetValue(pair.Key, out var value) && value == pair.Value));
}
