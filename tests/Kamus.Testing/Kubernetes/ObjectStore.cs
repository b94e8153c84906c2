using System.Globalization;
using System.Text.Json.Nodes;

namespace Kamus.Testing.Kubernetes;

/// <summary>
/// The stand-in's object storage: namespaced objects of the <see cref="ApiResource"/>s it serves, one global
/// resourceVersion counter (as etcd's revision), and a bounded history of changes that watches replay.
/// Tests call it directly to arrange and inspect state; the HTTP routes call the same methods.
/// </summary>
/// <remarks>
/// Modelled: create (with <c>generateName</c>), get, list (label and name selectors, <c>limit</c>/<c>continue</c>),
/// update with optimistic concurrency (409 on a stale resourceVersion or uid precondition), no-op updates that keep the
/// resourceVersion, merge patch, delete with preconditions, the status subresource, <c>metadata.generation</c>,
/// Secret rules (<see cref="SecretRules"/>), and the garbage collector for <c>ownerReferences</c> (background and orphan
/// propagation, dependents whose owners are all gone). Not modelled: finalizers and <c>deletionTimestamp</c>,
/// foreground ordering, server-side apply and managedFields, namespaces as objects, admission, defaulting and schema
/// pruning, RBAC (the request log records what RBAC would check instead).
/// </remarks>
public sealed class ObjectStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ApiResource, SortedDictionary<string, JsonObject>> _objects = [];
    private readonly LinkedList<Change> _history = new();
    private readonly List<WatchSubscription> _watchers = [];
    private readonly Func<DateTimeOffset> _now;
    private long _resourceVersion = 1000;
    private long _oldestWatchable = 1001;
    private TaskCompletionSource _changed = NewSignal();

    internal ObjectStore(IEnumerable<ApiResource> resources, Func<DateTimeOffset> now)
    {
        _now = now;
        foreach (var resource in resources)
        {
            _objects[resource] = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        }
    }

    /// <summary>How many changes watches can replay; older resourceVersions are answered 410 Expired.</summary>
    public int HistoryLimit { get; set; } = 1000;

    /// <summary>The latest resourceVersion.</summary>
    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>The resources served.</summary>
    public IReadOnlyCollection<ApiResource> Resources => _objects.Keys;

    /// <summary>How many watches are open.</summary>
    public int OpenWatches
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count;
            }
        }
    }

    /// <summary>Creates an object in <paramref name="namespace"/>, as <c>POST</c> does, and returns what was stored.</summary>
    /// <exception cref="ApiStatusException">409 AlreadyExists, 422 Invalid, 400 BadRequest.</exception>
    public JsonObject Create(ApiResource resource, string @namespace, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        lock (_gate)
        {
            var objects = Objects(resource);
            var item = (JsonObject)body.DeepClone();
            var metadata = item["metadata"] as JsonObject ?? [];
            item["metadata"] = metadata;
            CheckNamespace(metadata, @namespace);
            var name = metadata["name"]?.GetValue<string>();
            if (string.IsNullOrEmpty(name))
            {
                var prefix = metadata["generateName"]?.GetValue<string>();
                name = string.IsNullOrEmpty(prefix)
                    ? throw ApiStatusException.Invalid(resource, "", "metadata.name: Required value: name or generateName is required")
                    : prefix + RandomSuffix();
            }

            CheckName(resource, name);
            if (objects.ContainsKey(Key(@namespace, name)))
            {
                throw ApiStatusException.AlreadyExists(resource, name);
            }

            item["apiVersion"] = resource.ApiVersion;
            item["kind"] = resource.Kind;
            metadata["name"] = name;
            metadata["namespace"] = @namespace;
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = _now().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            metadata.Remove("generateName");
            if (resource.TracksGeneration)
            {
                metadata["generation"] = 1;
            }

            if (resource.HasStatusSubresource)
            {
                item.Remove("status");
            }

            if (resource == ApiResource.Secrets)
            {
                SecretRules.Normalize(item, name);
            }

            Store(resource, @namespace, name, item, "ADDED");
            CollectIfOrphaned(resource, @namespace, name);
            return (JsonObject)item.DeepClone();
        }
    }

    /// <summary>The object, or <see langword="null"/> when there is none.</summary>
    public JsonObject? Get(ApiResource resource, string @namespace, string name)
    {
        lock (_gate)
        {
            return Objects(resource).TryGetValue(Key(@namespace, name), out var item) ? (JsonObject)item.DeepClone() : null;
        }
    }

    /// <summary>Every object of <paramref name="resource"/> (in one namespace, or all when <see langword="null"/>), by namespace and name.</summary>
    public IReadOnlyList<JsonObject> List(ApiResource resource, string? @namespace = null) => List(resource, @namespace, null, null, null).Items;

    /// <summary>
    /// Replaces an object, as <c>PUT</c> does (on the status subresource when <paramref name="status"/> is set). A stale
    /// <c>metadata.resourceVersion</c> is 409 Conflict; an update that changes nothing keeps the resourceVersion and sends no event.
    /// </summary>
    public JsonObject Replace(ApiResource resource, string @namespace, string name, JsonObject body, bool status = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        lock (_gate)
        {
            var version = body["metadata"]?["resourceVersion"]?.GetValue<string>();
            if (string.IsNullOrEmpty(version) && resource.RequiresResourceVersionOnUpdate)
            {
                throw ApiStatusException.Invalid(resource, name, "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
            }

            return Update(resource, @namespace, name, body, version, status);
        }
    }

    /// <summary>Applies a JSON merge patch, as <c>PATCH</c> does; <c>metadata.resourceVersion</c> in the patch is a precondition.</summary>
    public JsonObject Patch(ApiResource resource, string @namespace, string name, JsonObject patch, bool status = false)
    {
        ArgumentNullException.ThrowIfNull(patch);
        lock (_gate)
        {
            var stored = Objects(resource).TryGetValue(Key(@namespace, name), out var item) ? item : throw ApiStatusException.NotFound(resource, name);
            var merged = (JsonObject)MergePatch.Apply(stored, patch)!;
            var version = patch["metadata"]?["resourceVersion"]?.GetValue<string>();
            merged["metadata"]!["resourceVersion"] = stored["metadata"]!["resourceVersion"]!.DeepClone();
            return Update(resource, @namespace, name, merged, version, status);
        }
    }

    /// <summary>
    /// Deletes an object, as <c>DELETE</c> does: <paramref name="preconditionUid"/> and <paramref name="preconditionVersion"/>
    /// are checked (409), and the garbage collector then deletes its dependents (or orphans them with <c>Orphan</c>).
    /// </summary>
    public JsonObject Delete(ApiResource resource, string @namespace, string name, string? preconditionUid = null, string? preconditionVersion = null, string propagationPolicy = "Background")
    {
        lock (_gate)
        {
            var objects = Objects(resource);
            if (!objects.TryGetValue(Key(@namespace, name), out var stored))
            {
                throw ApiStatusException.NotFound(resource, name);
            }

            var metadata = stored["metadata"]!;
            if ((preconditionUid is not null && preconditionUid != metadata["uid"]!.GetValue<string>())
                || (preconditionVersion is not null && preconditionVersion != metadata["resourceVersion"]!.GetValue<string>()))
            {
                throw new ApiStatusException(409, "Conflict", $"Operation cannot be fulfilled on {resource.QualifiedName} \"{name}\": Precondition failed");
            }

            Remove(resource, @namespace, name);
            CollectDependents(@namespace, metadata["uid"]!.GetValue<string>(), propagationPolicy == "Orphan");
            return (JsonObject)stored.DeepClone();
        }
    }

    /// <summary>
    /// Forgets the change history (as etcd compaction does): a watch or a <c>continue</c> token from an older
    /// resourceVersion is answered 410 Expired from now on. Open watches are not affected.
    /// </summary>
    public void Compact()
    {
        lock (_gate)
        {
            _history.Clear();
            _oldestWatchable = _resourceVersion + 1;
        }
    }

    /// <summary>Ends every open watch with an <c>ERROR</c> event carrying 410 Expired, as when a watcher falls too far behind.</summary>
    public void ExpireWatches()
    {
        lock (_gate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Write(WatchLines.Error(ApiStatusException.Expired($"too old resource version: {watcher.LastVersion} ({_oldestWatchable})")));
                watcher.Complete();
            }

            _watchers.Clear();
        }
    }

    /// <summary>Ends every open watch cleanly (the response ends), as an API server restart or watch timeout does.</summary>
    public void CloseWatches() => EndWatches(abort: false);

    /// <summary>Drops every open watch's connection without ending the response, as a network failure does.</summary>
    public void DropWatches() => EndWatches(abort: true);

    /// <summary>Sends a <c>BOOKMARK</c> with the latest resourceVersion to every open watch that asked for bookmarks.</summary>
    public void SendBookmarks()
    {
        lock (_gate)
        {
            foreach (var watcher in _watchers)
            {
                Bookmark(watcher);
            }
        }
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, re-checking it after every change to the store, and at least
    /// every 25 ms for conditions on state outside the store (a controller's metrics or leadership).
    /// </summary>
    /// <exception cref="TimeoutException">It did not hold within <paramref name="timeout"/>; the message says what was awaited.</exception>
    public async Task WaitUntilAsync(Func<ObjectStore, bool> condition, string description, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"The Kubernetes API stand-in never reached: {description}.");
            }

            await Task.WhenAny(changed, Task.Delay(25, CancellationToken.None));
        }
    }

    internal (List<JsonObject> Items, string Version, string? Continue) List(ApiResource resource, string? @namespace, LabelSelector? selector, int? limit, string? continueToken)
    {
        lock (_gate)
        {
            var after = "";
            var version = _resourceVersion;
            if (!string.IsNullOrEmpty(continueToken))
            {
                (version, after) = ParseContinue(continueToken);
                if (version < _oldestWatchable - 1)
                {
                    throw ApiStatusException.Expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
                }
            }

            var items = new List<JsonObject>();
            string? next = null;
            foreach (var (key, item) in Objects(resource))
            {
                if (string.CompareOrdinal(key, after) <= 0 || (@namespace is not null && !key.StartsWith(@namespace + "/", StringComparison.Ordinal)) || selector?.Matches(item) == false)
                {
                    continue;
                }

                if (limit is > 0 && items.Count == limit)
                {
                    next = FormatContinue(version, Key(items[^1]));
                    break;
                }

                items.Add((JsonObject)item.DeepClone());
            }

            return (items, version.ToString(CultureInfo.InvariantCulture), next);
        }
    }

    internal WatchSubscription Watch(ApiResource resource, string? @namespace, string? resourceVersion, LabelSelector selector, bool bookmarks)
    {
        lock (_gate)
        {
            var watcher = new WatchSubscription(resource, @namespace, selector, bookmarks);
            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                // "Start at most recent": synthetic ADDED events for the current state, then the changes.
                foreach (var item in Objects(resource).Values.Where(watcher.Matches))
                {
                    watcher.Write(WatchLines.Event("ADDED", item));
                }

                watcher.LastVersion = _resourceVersion;
            }
            else if (!long.TryParse(resourceVersion, CultureInfo.InvariantCulture, out var from))
            {
                throw ApiStatusException.BadRequest($"invalid resource version \"{resourceVersion}\"");
            }
            else if (from < _oldestWatchable - 1)
            {
                // The real API server answers 200 and then one ERROR event, not an HTTP 410.
                watcher.Write(WatchLines.Error(ApiStatusException.Expired($"too old resource version: {from} ({_oldestWatchable - 1})")));
                watcher.Complete();
                return watcher;
            }
            else
            {
                watcher.LastVersion = from;
                foreach (var change in _history.Where(c => c.Version > from && c.Resource == resource))
                {
                    watcher.Offer(change);
                }
            }

            _watchers.Add(watcher);
            return watcher;
        }
    }

    internal void Unsubscribe(WatchSubscription watcher)
    {
        lock (_gate)
        {
            _watchers.Remove(watcher);
        }
    }

    internal void Bookmark(WatchSubscription watcher)
    {
        lock (_gate)
        {
            if (watcher.Bookmarks)
            {
                watcher.LastVersion = _resourceVersion;
                watcher.Write(WatchLines.Bookmark(watcher.Resource, _resourceVersion));
            }
        }
    }

    private JsonObject Update(ApiResource resource, string @namespace, string name, JsonObject body, string? precondition, bool status)
    {
        var objects = Objects(resource);
        if (!objects.TryGetValue(Key(@namespace, name), out var stored))
        {
            throw ApiStatusException.NotFound(resource, name);
        }

        var storedMetadata = stored["metadata"]!.AsObject();
        var bodyMetadata = body["metadata"] as JsonObject ?? [];
        CheckNamespace(bodyMetadata, @namespace);
        if (bodyMetadata["name"]?.GetValue<string>() is { } bodyName && bodyName != name)
        {
            throw ApiStatusException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        if ((!string.IsNullOrEmpty(precondition) && precondition != storedMetadata["resourceVersion"]!.GetValue<string>())
            || (bodyMetadata["uid"]?.GetValue<string>() is { Length: > 0 } uid && uid != storedMetadata["uid"]!.GetValue<string>()))
        {
            throw ApiStatusException.Conflict(resource, name);
        }

        JsonObject updated;
        if (status)
        {
            updated = (JsonObject)stored.DeepClone();
            updated["status"] = body["status"]?.DeepClone();
        }
        else
        {
            updated = (JsonObject)body.DeepClone();
            updated["apiVersion"] = resource.ApiVersion;
            updated["kind"] = resource.Kind;
            var metadata = (JsonObject)bodyMetadata.DeepClone();
            foreach (var system in (string[])["name", "namespace", "uid", "creationTimestamp", "generation", "resourceVersion"])
            {
                metadata[system] = storedMetadata[system]?.DeepClone();
            }

            updated["metadata"] = metadata;
            if (resource.HasStatusSubresource)
            {
                updated["status"] = stored["status"]?.DeepClone();
            }

            if (resource == ApiResource.Secrets)
            {
                SecretRules.Normalize(updated, name);
                SecretRules.CheckUpdate(stored, updated, name);
            }

            if (resource.TracksGeneration && !JsonNode.DeepEquals(Spec(stored), Spec(updated)))
            {
                metadata["generation"] = storedMetadata["generation"]!.GetValue<long>() + 1;
            }
        }

        if (updated["status"] is null)
        {
            updated.Remove("status");
        }

        if (JsonNode.DeepEquals(stored, updated))
        {
            return (JsonObject)stored.DeepClone();
        }

        Store(resource, @namespace, name, updated, "MODIFIED");
        CollectIfOrphaned(resource, @namespace, name);
        return (JsonObject)updated.DeepClone();
    }

    private void Store(ApiResource resource, string @namespace, string name, JsonObject item, string type)
    {
        item["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);

        // Stored as the wire would carry it, so numbers read back as any numeric type (as parsed JSON does).
        item = JsonNode.Parse(item.ToJsonString())!.AsObject();
        Objects(resource)[Key(@namespace, name)] = item;
        Publish(new Change(_resourceVersion, resource, type, (JsonObject)item.DeepClone()));
    }

    private void Remove(ApiResource resource, string @namespace, string name)
    {
        var objects = Objects(resource);
        var item = objects[Key(@namespace, name)];
        objects.Remove(Key(@namespace, name));
        var deleted = (JsonObject)item.DeepClone();
        deleted["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
        Publish(new Change(_resourceVersion, resource, "DELETED", deleted));
    }

    private void Publish(Change change)
    {
        _history.AddLast(change);
        while (_history.Count > HistoryLimit)
        {
            _oldestWatchable = _history.First!.Value.Version + 1;
            _history.RemoveFirst();
        }

        foreach (var watcher in _watchers)
        {
            watcher.Offer(change);
        }

        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    // The garbage collector: dependents of a deleted owner are deleted once no owner of theirs remains (or orphaned).
    private void CollectDependents(string @namespace, string ownerUid, bool orphan)
    {
        foreach (var (resource, objects) in _objects)
        {
            foreach (var (key, item) in objects.Where(pair => pair.Key.StartsWith(@namespace + "/", StringComparison.Ordinal)).ToList())
            {
                if (item["metadata"]?["ownerReferences"] is not JsonArray owners || !owners.Any(o => o?["uid"]?.GetValue<string>() == ownerUid))
                {
                    continue;
                }

                var name = key[(@namespace.Length + 1)..];
                var remaining = owners.Where(o => o?["uid"]?.GetValue<string>() != ownerUid).Select(o => o!.DeepClone()).ToArray();
                if (orphan || remaining.Any(o => Exists(@namespace, o["uid"]?.GetValue<string>())))
                {
                    var updated = (JsonObject)item.DeepClone();
                    updated["metadata"]!["ownerReferences"] = new JsonArray(remaining);
                    Store(resource, @namespace, name, updated, "MODIFIED");
                }
                else
                {
                    Remove(resource, @namespace, name);
                    CollectDependents(@namespace, item["metadata"]!["uid"]!.GetValue<string>(), orphan: false);
                }
            }
        }
    }

    // The real garbage collector deletes (shortly after the write) an object whose owners all do not exist.
    private void CollectIfOrphaned(ApiResource resource, string @namespace, string name)
    {
        var item = Objects(resource)[Key(@namespace, name)];
        if (item["metadata"]?["ownerReferences"] is JsonArray { Count: > 0 } owners && !owners.Any(o => Exists(@namespace, o?["uid"]?.GetValue<string>())))
        {
            Remove(resource, @namespace, name);
            CollectDependents(@namespace, item["metadata"]!["uid"]!.GetValue<string>(), orphan: false);
        }
    }

    private bool Exists(string @namespace, string? uid) =>
        uid is not null && _objects.Values.Any(objects => objects.Any(pair =>
            pair.Key.StartsWith(@namespace + "/", StringComparison.Ordinal) && pair.Value["metadata"]?["uid"]?.GetValue<string>() == uid));

    private void EndWatches(bool abort)
    {
        lock (_gate)
        {
            foreach (var watcher in _watchers)
            {
                if (abort)
                {
                    watcher.Abort();
                }
                else
                {
                    watcher.Complete();
                }
            }

            _watchers.Clear();
        }
    }

    private SortedDictionary<string, JsonObject> Objects(ApiResource resource) =>
        _objects.TryGetValue(resource, out var objects) ? objects : throw new ApiStatusException(404, "NotFound", "the server could not find the requested resource");

    private static JsonObject Spec(JsonObject item)
    {
        var copy = (JsonObject)item.DeepClone();
        copy.Remove("metadata");
        copy.Remove("status");
        return copy;
    }

    private static void CheckNamespace(JsonObject metadata, string @namespace)
    {
        if (metadata["namespace"]?.GetValue<string>() is { Length: > 0 } bodyNamespace && bodyNamespace != @namespace)
        {
            throw ApiStatusException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
    }

    private static void CheckName(ApiResource resource, string name)
    {
        if (name.Length > 253 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')
            || !char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            throw ApiStatusException.Invalid(resource, name, $"metadata.name: Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
        }
    }

    private static string Key(string @namespace, string name) => @namespace + "/" + name;

    private static string Key(JsonObject item) => Key(item["metadata"]!["namespace"]!.GetValue<string>(), item["metadata"]!["name"]!.GetValue<string>());

    private static string FormatContinue(long version, string key) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{version}|{key}"));

    private static (long Version, string After) ParseContinue(string token)
    {
        try
        {
            var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            return (long.Parse(text[..bar], CultureInfo.InvariantCulture), text[(bar + 1)..]);
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
        {
            throw ApiStatusException.BadRequest("invalid continue token");
        }
    }

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
            }
        });
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal sealed record Change(long Version, ApiResource Resource, string Type, JsonObject Object);
}
