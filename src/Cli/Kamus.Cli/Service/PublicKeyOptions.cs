using System.CommandLine;
using System.Text;
using Kamus.Cli.Files;
using Kamus.Client;
using Kamus.Client.Offline;
using Kamus.Wire.Identity;

namespace Kamus.Cli.Service;

/// <summary>
/// <c>--public-key</c> and <c>--signer-fingerprint</c>: encrypt offline with a key statement instead of calling the
/// server. The statement is checked (signature, signer, identity, expiry) before anything is encrypted.
/// </summary>
internal sealed class PublicKeyOptions
{
    public const string SignerFingerprintVariable = "KAMUS_SIGNER_FINGERPRINT";

    public Option<string> PublicKey { get; } = new("--public-key")
    {
        Description = "Encrypt offline with this public key statement (from 'kamus publickey fetch'); no server is called.",
    };

    public Option<string> SignerFingerprint { get; } = new("--signer-fingerprint")
    {
        Description = $"The SHA-256 fingerprint of the statement-signing key you trust, 64 hex digits (else ${SignerFingerprintVariable}).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(PublicKey);
        command.Options.Add(SignerFingerprint);
    }

    /// <summary>Whether the command runs offline.</summary>
    /// <exception cref="CliException">Both <c>--public-key</c> and <c>--kamus-url</c> are given: which one was meant is unclear.</exception>
    public bool IsOffline(ParseResult parseResult, ConnectionOptions connection)
    {
        if (parseResult.GetValue(PublicKey) is null)
        {
            return false;
        }

        return parseResult.GetValue(connection.Url) is null
            ? true
            : throw CliException.Usage("give either --public-key (encrypt offline) or --kamus-url (encrypt with the server), not both.");
    }

    /// <summary>The checked encryptor of the <c>--public-key</c> statement for <paramref name="identity"/>.</summary>
    /// <exception cref="CliException">The file is missing or unreadable.</exception>
    /// <exception cref="KamusException">The statement is malformed, altered, another account's, expired, or not signed by the pinned key.</exception>
    public KamusOfflineEncryptor CreateEncryptor(ParseResult parseResult, CliConsole console, ServiceAccountIdentity identity)
    {
        var path = parseResult.GetRequiredValue(PublicKey);
        var statement = KamusPublicKeyStatement.Parse(Encoding.UTF8.GetString(InputFile.ReadAllBytes(path)));
        var fingerprint = SignerPin(parseResult, console, statement);
        return KamusOfflineEncryptor.Create(statement, identity.Namespace, identity.Name, fingerprint);
    }

    /// <summary>The pinned signer fingerprint, or <see langword="null"/> with a warning that says how to pin.</summary>
    public string? SignerPin(ParseResult parseResult, CliConsole console, KamusPublicKeyStatement statement)
    {
        var fingerprint = parseResult.GetValue(SignerFingerprint) ?? console.Environment.GetVariable(SignerFingerprintVariable);
        if (string.IsNullOrWhiteSpace(fingerprint))
        {
            console.Warning(
                $"the statement's signer is not pinned: it is signed by the key with fingerprint {statement.SignerFingerprint}. " +
                $"Check it with your Kamus operators and pass --signer-fingerprint (or set {SignerFingerprintVariable}).");
            return null;
        }

        return fingerprint;
    }
}
