namespace Kamus.Server.Endpoints;

/// <summary>The short, stable answer bodies. They name reasons, never values, tokens or keys.</summary>
internal static class ErrorMessages
{
    public const string MissingToken = "missing bearer token";
    public const string InvalidToken = "invalid or expired token";
    public const string Forbidden = "forbidden";
    public const string KubernetesUnavailable = "kubernetes api unavailable";
    public const string MasterKeyUnavailable = "master key backend unavailable";
    public const string TooLarge = "request too large";
    public const string MalformedBody = "malformed request body";
    public const string MissingData = "missing field: data";
    public const string MissingItems = "missing field: items";
    public const string MissingServiceAccount = "missing field: service-account";
    public const string MissingNamespace = "missing field: namespace";
    public const string InvalidNamespace = "invalid namespace name";
    public const string InvalidServiceAccount = "invalid service-account name";
    public const string DefaultServiceAccount = "the default service account is not allowed";
    public const string InvalidCiphertext = "invalid ciphertext";
    public const string InvalidContexts = "invalid field: contexts (each names an item and is kind:rest, at most 1024 bytes)";
    public const string ContextsNeedV2 = "contexts need the v2 format (Kamus:Encryption:Format=V2)";
    public const string InternalError = "internal error";
    public const string TooManyRequests = "too many requests: retry after the number of seconds in Retry-After";
    public const string NotPodBound = "forbidden: the token is not bound to a pod (Kamus:Tokens:RequirePodBound)";
    public const string OfflineKeysDisabled = "offline encryption is not enabled on this server (KeyManagement:Offline)";
}
