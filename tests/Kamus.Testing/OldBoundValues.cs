namespace Kamus.Testing;

/// <summary>
/// Fixed envelopes in the first bound layout (context after '~', bound in the data key's seal), for service account
/// ns-a:sa1 under key id k0 of <see cref="KamusServerHost.CompatMasterKey"/> (AES provider, key derivation on), as
/// servers wrote them before config: contexts moved to the payload ('+'). They must keep decrypting everywhere.
/// </summary>
public static class OldBoundValues
{
    /// <summary>The namespace of the service account the values are for.</summary>
    public const string Namespace = "ns-a";

    /// <summary>The service account the values are for.</summary>
    public const string ServiceAccount = "sa1";

    /// <summary>The context of <see cref="ConfigValue"/>.</summary>
    public const string ConfigContext = "config:ConnectionStrings:Orders";

    /// <summary>The plaintext of <see cref="ConfigValue"/>.</summary>
    public const string ConfigPlaintext = "orders-db-pw";

    /// <summary>A value bound to <see cref="ConfigContext"/> in its data key's seal.</summary>
    public const string ConfigValue = "k2e.k0~Y29uZmlnOkNvbm5lY3Rpb25TdHJpbmdzOk9yZGVycw.nU4aM4vaVLS3JjnSlKvScjM8fNTMC6autlngWYIKp9VpgIPoD_0V1SSlJBNEsMeY7vm96vVz4K1FWmeH.01a8SZXzSOONpJqVs13YQxHO6jn8CzLddAeiW1LAFWDSaHji7A7V7g";

    /// <summary>The context of <see cref="KamusSecretValue"/>.</summary>
    public const string KamusSecretContext = "kamussecret:ns-a/db/password";

    /// <summary>The plaintext of <see cref="KamusSecretValue"/>.</summary>
    public const string KamusSecretPlaintext = "p4ss";

    /// <summary>A value bound to <see cref="KamusSecretContext"/> in its data key's seal (the layout KamusSecret values keep).</summary>
    public const string KamusSecretValue = "k2e.k0~a2FtdXNzZWNyZXQ6bnMtYS9kYi9wYXNzd29yZA.s8sfzpCt5ePUD9V5VBA04qrAKOzhWbSJW-UD-ShPdwZOcykYAzYs12gDTI00_xwzFIPKBmhIlCtbYiUs.fK9o9uqlX0kHzkUnq1jNNUhDWQKNev4xJ9hmauv85nA";
}
