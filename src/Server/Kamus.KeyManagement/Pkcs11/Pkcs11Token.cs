using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using ISession = Net.Pkcs11Interop.HighLevelAPI.ISession;

namespace Kamus.KeyManagement.Pkcs11;

/// <summary>
/// The token that holds the master keys: its module, its slot and the PIN source. Opening it checks each in turn, so a
/// wrong setting gives an error naming the module, the slot or token, or the PIN source (never the PIN).
/// </summary>
internal sealed class Pkcs11Token : IDisposable
{
    private readonly Pkcs11Module _module;
    private readonly ISlot _slot;
    private readonly Pkcs11PinSource _pin;

    private Pkcs11Token(Pkcs11Module module, ISlot slot, string label, Pkcs11PinSource pin)
    {
        _module = module;
        _slot = slot;
        _pin = pin;
        Label = label;
    }

    /// <summary>The token's label (not secret).</summary>
    public string Label { get; }

    /// <summary>The factories for mechanisms and attributes.</summary>
    public Pkcs11InteropFactories Factories => _module.Factories;

    /// <summary>Loads the module, finds the token and checks the PIN with a first login.</summary>
    /// <exception cref="KamusSettingsException">Which setting is wrong: module, slot or token, or PIN.</exception>
    public static Pkcs11Token Open(Pkcs11Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var pin = Pkcs11PinSource.From(options);
        if (string.IsNullOrWhiteSpace(options.ModulePath))
        {
            throw new KamusSettingsException("KeyManagement:Pkcs11:ModulePath is required: the path of the HSM's PKCS#11 module (a .so file).");
        }

        if (string.IsNullOrWhiteSpace(options.TokenLabel) == (options.SlotId is null))
        {
            throw new KamusSettingsException("Set exactly one of KeyManagement:Pkcs11:TokenLabel and KeyManagement:Pkcs11:SlotId.");
        }

        // Read before touching the module: a missing PIN is a configuration error of its own.
        CryptographicOperations.ZeroMemory(pin.Read());
        var module = LoadModule(options.ModulePath);
        try
        {
            var (slot, label) = FindSlot(module, options);
            var token = new Pkcs11Token(module, slot, label, pin);
            token.OpenSession(readWrite: false).Dispose();
            return token;
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    /// <summary>Opens a session that is logged in as the user (logging in when the token is not yet).</summary>
    /// <exception cref="KamusSettingsException">The PIN was refused.</exception>
    /// <exception cref="Pkcs11Exception">The module failed.</exception>
    public ISession OpenSession(bool readWrite)
    {
        var session = _slot.OpenSession(readWrite ? SessionType.ReadWrite : SessionType.ReadOnly);
        try
        {
            // Login state is per token and application: only the first session (or one after a token reset) logs in.
            var state = session.GetSessionInfo().State;
            if (state is not (CKS.CKS_RO_USER_FUNCTIONS or CKS.CKS_RW_USER_FUNCTIONS))
            {
                Login(session);
            }

            return session;
        }
        catch
        {
            Pkcs11SessionPool.Close(session);
            throw;
        }
    }

    /// <summary>Releases the module lease.</summary>
    public void Dispose() => _module.Dispose();

    /// <summary>Names the token only.</summary>
    public override string ToString() => $"Pkcs11Token({Label})";

    private void Login(ISession session)
    {
        var pin = _pin.Read();
        try
        {
            session.Login(CKU.CKU_USER, pin);
        }
        catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            // Another session of this process logged in meanwhile.
        }
        catch (Pkcs11Exception e) when (e.RV is CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE or CKR.CKR_PIN_LOCKED or CKR.CKR_PIN_EXPIRED or CKR.CKR_USER_PIN_NOT_INITIALIZED)
        {
            throw new KamusSettingsException($"The PKCS#11 PIN from {_pin.Name} was refused by token '{Label}' ({e.RV}).");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pin);
        }
    }

    private static Pkcs11Module LoadModule(string path)
    {
        if (!File.Exists(path))
        {
            throw new KamusSettingsException($"KeyManagement:Pkcs11:ModulePath '{Path.GetFullPath(path)}': no such file.");
        }

        try
        {
            return Pkcs11Module.Acquire(path);
        }
        catch (Exception e) when (e is Pkcs11Exception or UnmanagedException or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or LibraryArchitectureException)
        {
            throw new KamusSettingsException($"KeyManagement:Pkcs11:ModulePath '{Path.GetFullPath(path)}' is not a loadable PKCS#11 module ({Describe(e)}).", e);
        }
    }

    private static (ISlot Slot, string Label) FindSlot(Pkcs11Module module, Pkcs11Options options)
    {
        var slots = module.Library.GetSlotList(SlotsType.WithTokenPresent);
        var labels = new List<string>();
        foreach (var slot in slots)
        {
            var label = slot.GetTokenInfo().Label.TrimEnd(' ', '\0');
            if (label.Length > 0)
            {
                // SoftHSM and others show a free, uninitialised token with an empty label.
                labels.Add(label);
            }

            if (options.SlotId is { } id ? slot.SlotId == id : string.Equals(label, options.TokenLabel, StringComparison.Ordinal))
            {
                return (slot, label);
            }
        }

        var present = labels.Count == 0 ? "no token is present" : "tokens present: " + string.Join(", ", labels.Select(l => $"'{l}'"));
        throw options.SlotId is { } slotId
            ? new KamusSettingsException($"KeyManagement:Pkcs11:SlotId {slotId}: no slot with a token has this id ({present}).")
            : new KamusSettingsException($"KeyManagement:Pkcs11:TokenLabel '{options.TokenLabel}': no token has this label ({present}).");
    }

    private static string Describe(Exception e) => e is Pkcs11Exception p ? p.RV.ToString() : e.GetType().Name;
}
