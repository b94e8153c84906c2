namespace Kamus.Wire.Protocol;

/// <summary>The Kamus API paths (also the <c>endpoint</c> tag of the metrics).</summary>
internal static class KamusEndpoints
{
    public const string EncryptV1 = "/api/v1/encrypt";
    public const string DecryptV1 = "/api/v1/decrypt";
    public const string EncryptV2 = "/api/v2/encrypt";
    public const string DecryptV2 = "/api/v2/decrypt";
    public const string RewrapV2 = "/api/v2/rewrap";
}
