using System.Security.Cryptography;
using Kamus.KeyManagement.Pkcs11;
using Kamus.Testing;

namespace Kamus.Pkcs11.Tests;

/// <summary>
/// One SoftHSM2 token directory for the test run: token <see cref="Token"/> with key <c>k1</c> (made by the server's
/// own generator), and token <see cref="PinToken"/> for wrong-PIN tests. PINs are random per run and live in files.
/// Where SoftHSM2 is not installed every test of the collection is skipped (<see cref="SoftHsmFactAttribute"/>), so
/// the fixture sets nothing up and installs nothing.
/// </summary>
public sealed class SoftHsmFixture : IDisposable
{
    public const string Token = "kamus";
    public const string PinToken = "kamus-pin";

    /// <summary>A token of master-key candidates with good and bad attributes (<see cref="AttributeKeys"/>), whose PIN tests may change.</summary>
    public const string AttributesToken = "kamus-attrs";
    public const string FirstKey = "k1";

    private readonly string? _directory;

    public SoftHsmFixture()
    {
        if (SoftHsm.ModulePath is not { } module)
        {
            return;
        }

        ModulePath = module;
        _directory = Directory.CreateTempSubdirectory("kamus-softhsm-").FullName;
        SoftHsm.UseTokenDirectory(_directory);
        Pin = "pin-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        WrongPin = "wrong-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var soPin = "so-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        SoftHsm.InitToken(Token, Pin, soPin);
        SoftHsm.InitToken(PinToken, Pin, soPin);
        SoftHsm.InitToken(AttributesToken, Pin, soPin);
        PinFile = WriteFile("pin", Pin + "\n");
        WrongPinFile = WriteFile("wrong-pin", WrongPin);

        using (var token = Pkcs11Token.Open(Options()))
        {
            Pkcs11KeyGenerator.Generate(token, FirstKey);
        }

        using (var token = Pkcs11Token.Open(Options(token: AttributesToken)))
        {
            Pkcs11KeyGenerator.Generate(token, FirstKey);
            AttributeKeys.Create(token);
        }
    }

    public string ModulePath { get; } = string.Empty;

    /// <summary>The user PIN of both tokens (random per run: tests check it never shows).</summary>
    public string Pin { get; } = string.Empty;

    public string WrongPin { get; } = string.Empty;

    public string PinFile { get; } = string.Empty;

    public string WrongPinFile { get; } = string.Empty;

    /// <summary>Provider options for <see cref="Token"/>.</summary>
    internal Pkcs11Options Options(string currentKey = FirstKey, string token = Token) => new()
    {
        ModulePath = ModulePath,
        TokenLabel = token,
        PinFile = PinFile,
        CurrentKeyLabel = currentKey,
    };

    /// <summary>Server settings for the PKCS#11 provider on <see cref="Token"/>, with no in-memory key.</summary>
    public void UsePkcs11(KamusServerHostOptions options, string currentKey = FirstKey, string token = Token)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Settings["KeyManagement:Provider"] = "Pkcs11";
        options.Settings["KeyManagement:AES:Key"] = null;
        options.Settings["KeyManagement:Pkcs11:ModulePath"] = ModulePath;
        options.Settings["KeyManagement:Pkcs11:TokenLabel"] = token;
        options.Settings["KeyManagement:Pkcs11:PinFile"] = PinFile;
        options.Settings["KeyManagement:Pkcs11:CurrentKeyLabel"] = currentKey;
    }

    public void Dispose()
    {
        if (_directory is null)
        {
            return;
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory; leaving it is harmless.
        }
    }

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(_directory!, name);
        File.WriteAllText(path, text);
        return path;
    }
}

[CollectionDefinition(Name)]
public sealed class SoftHsmGroup : ICollectionFixture<SoftHsmFixture>
{
    public const string Name = "SoftHSM2";
}
