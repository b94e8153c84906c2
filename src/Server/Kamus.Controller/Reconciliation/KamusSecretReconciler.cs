using Kamus.Controller.Diagnostics;
using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kamus.Controller.Configuration;
using Kamus.Controller.Events;
using Kamus.Controller.Informers;
using Kamus.Controller.Resources;
using Kamus.KeyManagement;
using Kamus.Wire.Identity;
using Kamus.Wire.Kubernetes;
using Kamus.Wire.Protocol;
using Microsoft.Extensions.Options;

namespace Kamus.Controller.Reconciliation;

/// <summary>
/// Brings Secret <c>ns/name</c> in line with KamusSecret <c>ns/name</c>: all values decrypt, or nothing is written
/// (Ready=False naming the failing keys, and a Warning Event); a Secret that is not Kamus's is never overwritten; a
/// Secret that already matches is not written. A Secret unchanged since this controller last wrote or checked it, for
/// an unchanged KamusSecret, costs one read and no decryption.
/// </summary>
internal sealed class KamusSecretReconciler(
    IKubernetes client,
    KamusSecretCache cache,
    KamusSecretDecryptor decryptor,
    EventRecorder events,
    IOptions<ControllerOptions> options,
    TimeProvider time,
    ILogger<KamusSecretReconciler> logger)
{
    private readonly bool _setOwnerReference = options.Value.SetOwnerReference;

    // key → (what the KamusSecret looked like, the Secret's resourceVersion) when the Secret last matched it.
    private readonly ConcurrentDictionary<string, (string Fingerprint, string SecretVersion)> _matched = new(StringComparer.Ordinal);

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var owner = cache.Get(key);
        if (owner is null || owner.Metadata.DeletionTimestamp is not null)
        {
            _matched.TryRemove(key, out _);
            events.Forget(key);
            return ReconcileResult.Gone;
        }

        try
        {
            return await ReconcileAsync(owner, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.UnprocessableEntity)
        {
            _matched.TryRemove(key, out _);
            var message = $"The API server refused Secret {owner.Metadata.Name}: {ApiMessage(e)}";
            await FailAsync(owner, ReadyCondition.SecretRejected, message, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Failed;
        }
        catch (HttpOperationException e)
        {
            // 409 (a concurrent change), 404 (deleted meanwhile), 403 (RBAC), 5xx: read again after a backoff.
            _matched.TryRemove(key, out _);
            KamusControllerLog.ApiFailure(logger, key, (int)e.Response.StatusCode, ApiMessage(e));
            return ReconcileResult.Error;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException or MasterKeyUnavailableException)
        {
            _matched.TryRemove(key, out _);
            KamusControllerLog.TransientFailure(logger, key, e.GetType().Name, e.Message);
            return ReconcileResult.Error;
        }
    }

    private async Task<ReconcileResult> ReconcileAsync(KamusSecret owner, CancellationToken cancellationToken)
    {
        var key = owner.Key;
        var name = owner.Metadata.Name;
        var @namespace = owner.Metadata.NamespaceProperty;
        if (SpecProblem(owner) is { } problem)
        {
            _matched.TryRemove(key, out _);
            await FailAsync(owner, ReadyCondition.InvalidSpec, problem, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Failed;
        }

        var identity = new ServiceAccountIdentity(@namespace, owner.ServiceAccount!);
        var live = await ReadSecretAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
        var fingerprint = Fingerprint(owner);
        var keyCount = KeyCount(owner);
        if (live is not null && _matched.TryGetValue(key, out var matched) && matched == (fingerprint, live.Metadata.ResourceVersion))
        {
            await ReadyAsync(owner, keyCount, identity, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Unchanged;
        }

        _matched.TryRemove(key, out _);
        switch (live is null ? Ownership.Owned : SecretPlan.OwnershipOf(live, owner))
        {
            case Ownership.PreviousOwner:
                KamusControllerLog.PreviousOwner(logger, key);
                return ReconcileResult.Error;
            case Ownership.Foreign:
                await FailAsync(owner, ReadyCondition.SecretNotOwned,
                    $"Secret {name} exists and is not managed by Kamus, so it is left untouched. Delete it, or annotate it {SecretPlan.ManagedAnnotation}=true to let this KamusSecret take it over.",
                    cancellationToken).ConfigureAwait(false);
                return ReconcileResult.NotOwned;
        }

        using var values = await decryptor.DecryptAsync(owner, identity, cancellationToken).ConfigureAwait(false);
        if (values.Failures.Count > 0)
        {
            if (values.Failures.Any(f => f.Error == WireErrorKind.Unavailable))
            {
                KamusControllerLog.KeysUnavailable(logger, key);
                return ReconcileResult.Error;
            }

            await FailAsync(owner, ReadyCondition.DecryptionFailed, DecryptionMessage(owner, identity, values.Failures), cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Failed;
        }

        using var plan = new SecretPlan(owner, values.Take(), _setOwnerReference);
        var (result, written) = await ApplyAsync(plan, live, cancellationToken).ConfigureAwait(false);
        _matched[key] = (fingerprint, written.Metadata.ResourceVersion);
        if (result != ReconcileResult.Unchanged)
        {
            KamusControllerLog.SecretWritten(logger, key, result, plan.Count);
            await events.NormalAsync(owner, result == ReconcileResult.Created ? "Created" : "Updated",
                $"Secret {name} {(result == ReconcileResult.Created ? "created" : "updated")} with {plan.Count} key(s) decrypted for {identity}", cancellationToken).ConfigureAwait(false);
        }

        await ReadyAsync(owner, keyCount, identity, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task<(ReconcileResult Result, V1Secret Written)> ApplyAsync(SecretPlan plan, V1Secret? live, CancellationToken cancellationToken)
    {
        var create = plan.ForCreate();
        var @namespace = create.Metadata.NamespaceProperty;
        if (live is null)
        {
            return (ReconcileResult.Created, await client.CoreV1.CreateNamespacedSecretAsync(create, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false));
        }

        if ((string.IsNullOrEmpty(live.Type) ? "Opaque" : live.Type) != plan.Type)
        {
            // A Secret's type is immutable: delete exactly this version, then create it anew.
            var preconditions = new V1Preconditions { Uid = live.Metadata.Uid, ResourceVersion = live.Metadata.ResourceVersion };
            await client.CoreV1.DeleteNamespacedSecretAsync(live.Metadata.Name, @namespace, new V1DeleteOptions { Preconditions = preconditions }, cancellationToken: cancellationToken).ConfigureAwait(false);
            return (ReconcileResult.Updated, await client.CoreV1.CreateNamespacedSecretAsync(create, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false));
        }

        if (plan.IsSatisfiedBy(live))
        {
            return (ReconcileResult.Unchanged, live);
        }

        return (ReconcileResult.Updated, await client.CoreV1.ReplaceNamespacedSecretAsync(plan.UpdateOf(live), live.Metadata.Name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false));
    }

    private async Task<V1Secret?> ReadSecretAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedSecretAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private Task ReadyAsync(KamusSecret owner, int keyCount, ServiceAccountIdentity identity, CancellationToken cancellationToken) =>
        WriteStatusAsync(owner, true, ReadyCondition.Synced, $"Secret {owner.Metadata.Name} holds {keyCount} key(s) decrypted for {identity}.", cancellationToken);

    private async Task FailAsync(KamusSecret owner, string reason, string message, CancellationToken cancellationToken)
    {
        KamusControllerLog.NotReady(logger, owner.Key, reason, message);
        await events.WarningAsync(owner, reason, message, cancellationToken).ConfigureAwait(false);
        await WriteStatusAsync(owner, false, reason, message, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteStatusAsync(KamusSecret owner, bool ready, string reason, string message, CancellationToken cancellationToken)
    {
        if (ReadyCondition.Next(owner, ready, reason, message, time.GetUtcNow().UtcDateTime) is not { } status)
        {
            return;
        }

        try
        {
            await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(new StatusPatch(status), V1Patch.PatchType.MergePatch),
                KamusSecretResource.Group, KamusSecretResource.Version, owner.Metadata.NamespaceProperty, KamusSecretResource.Plural, owner.Metadata.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Deleted meanwhile: nothing to report on.
        }
    }

    private static string? SpecProblem(KamusSecret owner)
    {
        if (string.IsNullOrEmpty(owner.ServiceAccount))
        {
            return "serviceAccount is required: it names the service account the values were encrypted for (in this namespace).";
        }

        if (!KubernetesNames.IsValidServiceAccountName(owner.ServiceAccount))
        {
            return $"serviceAccount '{owner.ServiceAccount}' is not a valid service account name.";
        }

        var invalid = Keys(owner.Data).Concat(Keys(owner.StringData))
            .Where(key => key.Length is 0 or > 253 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            .ToList();
        return invalid.Count == 0 ? null : $"Secret keys must consist of alphanumerics, '-', '_' or '.': {string.Join(", ", invalid.Select(k => $"'{k}'"))}.";
    }

    private static string DecryptionMessage(KamusSecret owner, ServiceAccountIdentity identity, IReadOnlyList<ValueFailure> failures) =>
        $"{failures.Count} of {(owner.Data?.Count ?? 0) + (owner.StringData?.Count ?? 0)} value(s) could not be decrypted for {identity}, so Secret {owner.Metadata.Name} was not written: "
        + string.Join("; ", failures) + $". Encrypt them for service account {identity.Name} in namespace {identity.Namespace} (kamus encrypt-secret).";

    private static int KeyCount(KamusSecret owner) =>
        Keys(owner.Data).Union(Keys(owner.StringData), StringComparer.Ordinal).Count();

    private static IEnumerable<string> Keys(Dictionary<string, string>? values) => values?.Keys ?? Enumerable.Empty<string>();

    // What the Secret depends on besides the decrypted values: the spec (generation) and the metadata it copies.
    private static string Fingerprint(KamusSecret owner) =>
        $"{owner.Metadata.Uid}|{owner.Metadata.Generation}|{Canonical(owner.Metadata.Labels)}|{Canonical(owner.Metadata.Annotations)}";

    private static string Canonical(IDictionary<string, string>? map) =>
        map is null ? "" : string.Join("\n", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    // The API server's Status message (it names fields and keys, never Secret values).
    private static string ApiMessage(HttpOperationException e)
    {
        try
        {
            return KubernetesJson.Deserialize<V1Status>(e.Response.Content)?.Message ?? e.Response.ReasonPhrase;
        }
        catch (System.Text.Json.JsonException)
        {
            return e.Response.ReasonPhrase;
        }
    }

    private sealed class StatusPatch(KamusSecretStatus status)
    {
        [System.Text.Json.Serialization.JsonPropertyName("status")]
        public KamusSecretStatus Status { get; } = status;
    }
}
