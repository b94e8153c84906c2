using k8s.Models;
using Kamus.Controller.Resources;

namespace Kamus.Controller.Reconciliation;

/// <summary>
/// The <c>Ready</c> condition, following the Kubernetes conventions: <c>status</c> True/False, a CamelCase
/// <c>reason</c>, a human <c>message</c>, <c>observedGeneration</c>, and a <c>lastTransitionTime</c> that changes only
/// when <c>status</c> does.
/// </summary>
internal static class ReadyCondition
{
    public const string Type = "Ready";

    /// <summary>The Secret holds every value, up to date.</summary>
    public const string Synced = "Synced";

    /// <summary>At least one value could not be decrypted; the Secret was not created or changed.</summary>
    public const string DecryptionFailed = "DecryptionFailed";

    /// <summary>The KamusSecret itself is unusable (no service account, an invalid key).</summary>
    public const string InvalidSpec = "InvalidSpec";

    /// <summary>A Secret of that name exists and is not managed by Kamus.</summary>
    public const string SecretNotOwned = "SecretNotOwned";

    /// <summary>The API server refused the Secret (for example a <c>kubernetes.io/tls</c> Secret without <c>tls.key</c>).</summary>
    public const string SecretRejected = "SecretRejected";

    public static V1Condition? Find(KamusSecret item) =>
        item.Status?.Conditions?.FirstOrDefault(c => c.Type == Type);

    /// <summary>The status to write, or <see langword="null"/> when <paramref name="item"/> already has it.</summary>
    public static KamusSecretStatus? Next(KamusSecret item, bool ready, string reason, string message, DateTime now)
    {
        var generation = item.Metadata.Generation;
        var status = ready ? "True" : "False";
        var current = Find(item);
        if (current is not null && current.Status == status && current.Reason == reason && current.Message == message
            && current.ObservedGeneration == generation && item.Status?.ObservedGeneration == generation)
        {
            return null;
        }

        var condition = new V1Condition
        {
            Type = Type,
            Status = status,
            Reason = reason,
            Message = message.Length <= 32_768 ? message : message[..32_765] + "...",
            ObservedGeneration = generation,
            LastTransitionTime = current?.Status == status ? current.LastTransitionTime : now,
        };
        var others = item.Status?.Conditions?.Where(c => c.Type != Type) ?? [];
        return new KamusSecretStatus { ObservedGeneration = generation, Conditions = [.. others, condition] };
    }
}
