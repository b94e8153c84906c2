namespace Kamus.KeyManagement.Aes;

/// <summary>
/// The well-known development master key. It is public (it is in this source file), so anything encrypted under it is
/// readable by anyone: use it only with <c>Kamus:Development:Enabled=true</c> and never for real secrets.
/// </summary>
internal static class DevelopmentKey
{
    /// <summary>The key id values made with the development key carry, so they are refused by a production server.</summary>
    public const string KeyId = "dev";

    /// <summary>The 32 key bytes: the ASCII text <c>INSECURE-kamus-development-key!!</c>.</summary>
    public static ReadOnlySpan<byte> InsecureBytes => "INSECURE-kamus-development-key!!"u8;
}
