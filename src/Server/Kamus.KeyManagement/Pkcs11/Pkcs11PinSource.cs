using System.Text;

namespace Kamus.KeyManagement.Pkcs11;

/// <summary>
/// Where the user PIN comes from: <c>KeyManagement:Pkcs11:PinFile</c> or the <c>KAMUS_PKCS11_PIN</c> environment
/// variable, never a setting or argument. The PIN is read when a login needs it and is not kept.
/// </summary>
internal sealed class Pkcs11PinSource
{
    private readonly string? _file;

    private Pkcs11PinSource(string? file) => _file = file;

    /// <summary>Names the source for error messages (never the PIN).</summary>
    public string Name => _file is null ? $"the {Pkcs11Options.PinEnvironmentVariable} environment variable" : "KeyManagement:Pkcs11:PinFile";

    /// <summary>The source the options name.</summary>
    /// <exception cref="KamusSettingsException">A PIN was given as a setting.</exception>
    public static Pkcs11PinSource From(Pkcs11Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrEmpty(options.Pin))
        {
            throw new KamusSettingsException(
                $"KeyManagement:Pkcs11:Pin is refused: a PIN given as a setting or argument shows in process listings and files. Put it in a file named by KeyManagement:Pkcs11:PinFile or in the {Pkcs11Options.PinEnvironmentVariable} environment variable.");
        }

        return new Pkcs11PinSource(string.IsNullOrWhiteSpace(options.PinFile) ? null : options.PinFile);
    }

    /// <summary>Reads the PIN as UTF-8 bytes; the caller zeroes them.</summary>
    /// <exception cref="KamusSettingsException">No PIN, or the file cannot be read.</exception>
    public byte[] Read()
    {
        string? text;
        if (_file is null)
        {
            text = Environment.GetEnvironmentVariable(Pkcs11Options.PinEnvironmentVariable);
            if (string.IsNullOrEmpty(text))
            {
                throw new KamusSettingsException(
                    $"No PKCS#11 PIN: set KeyManagement:Pkcs11:PinFile to a file holding it, or the {Pkcs11Options.PinEnvironmentVariable} environment variable.");
            }
        }
        else
        {
            try
            {
                text = File.ReadAllText(_file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new KamusSettingsException($"KeyManagement:Pkcs11:PinFile '{Path.GetFullPath(_file)}' cannot be read ({e.GetType().Name}).", e);
            }
        }

        var pin = text.TrimEnd('\r', '\n');
        if (pin.Length == 0)
        {
            throw new KamusSettingsException($"The PKCS#11 PIN from {Name} is empty.");
        }

        return Encoding.UTF8.GetBytes(pin);
    }
}
