namespace Kamus.Wire.Protocol;

/// <summary>The Kamus API paths (also the <c>endpoint</c> tag of the metrics).</summary>
internal static class KamusEndpoints
{
    public const string EncryptV1 = "/api/v1/encrypt";
    public const string DecryptV1 = "/api/v1/decrypt";
    public const string EncryptV2 = "/api/v2/encrypt";
    public const string DecryptV2 = "/api/v2/decrypt";
    public const string RewrapV2 = "/api/v2/rewrap";

    /// <summary>The prefix of <c>GET /api/v2/publickeys/{namespace}/{serviceAccount}</c>, a service account's signed offline key statement.</summary>
    public const string PublicKeysV2 = "/api/v2/publickeys";

    /// <summary>The path of one service account's key statement (the names are Kubernetes names: nothing to escape).</summary>
    public static string PublicKey(string @namespace, string serviceAccount) => $"{PublicKeysV2}/{@namespace}/{serviceAccount}";
}
