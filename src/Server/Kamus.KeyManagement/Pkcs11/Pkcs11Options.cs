namespace Kamus.KeyManagement.Pkcs11;

/// <summary>
/// The PKCS#11 master-key provider (<c>KeyManagement:Provider=Pkcs11</c>, section <c>KeyManagement:Pkcs11</c>).
/// See <c>docs/hsm.md</c>.
/// </summary>
internal sealed class Pkcs11Options
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "KeyManagement:Pkcs11";

    /// <summary>The environment variable the PIN is read from when <see cref="PinFile"/> is not set.</summary>
    public const string PinEnvironmentVariable = "KAMUS_PKCS11_PIN";

    /// <summary>Path of the PKCS#11 module (shared library), for example <c>/usr/lib/softhsm/libsofthsm2.so</c>.</summary>
    public string? ModulePath { get; set; }

    /// <summary>The label of the token holding the master keys (or set <see cref="SlotId"/>).</summary>
    public string? TokenLabel { get; set; }

    /// <summary>The slot id of the token (instead of <see cref="TokenLabel"/>; slot ids can change when tokens are added).</summary>
    public ulong? SlotId { get; set; }

    /// <summary>A file holding the user PIN (a trailing newline is ignored). Else <see cref="PinEnvironmentVariable"/>.</summary>
    public string? PinFile { get; set; }

    /// <summary>
    /// Never used: a PIN given as a setting (command line, appsettings, <c>KeyManagement__Pkcs11__Pin</c>) would show in
    /// process listings and files, so the server refuses to start when it is set.
    /// </summary>
    public string? Pin { get; set; }

    /// <summary>The label of the key new values are wrapped under; it is the v2 key id, so 1 to 32 of <c>[A-Za-z0-9_-]</c>.</summary>
    public string? CurrentKeyLabel { get; set; }

    /// <summary>
    /// The labels of the keys that unwrap (besides the current one). Empty (the default): every AES secret key of the
    /// token whose label is a valid key id.
    /// </summary>
    public IList<string> KeyLabels { get; } = [];

    /// <summary>The most sessions open at once (PKCS#11 sessions serve one thread at a time). 4 by default.</summary>
    public int MaxSessions { get; set; } = 4;

    /// <summary>The default of <see cref="SessionWaitTimeout"/>.</summary>
    public static readonly TimeSpan DefaultSessionWaitTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The longest a request waits for a free session before it is answered 503. 10 seconds by default.</summary>
    public TimeSpan SessionWaitTimeout { get; set; } = DefaultSessionWaitTimeout;
}
