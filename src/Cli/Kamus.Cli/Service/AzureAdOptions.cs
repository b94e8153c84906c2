using System.CommandLine;

namespace Kamus.Cli.Service;

/// <summary>
/// Upstream kamus-cli's Azure AD options, accepted so that existing scripts keep working. Device-code login is out of
/// scope: a token for an encryptor behind authentication comes from <c>--token</c> or <c>KAMUS_TOKEN</c>.
/// </summary>
internal sealed class AzureAdOptions
{
    private readonly Option<string>[] _options =
    [
        new("--auth-tenant") { Description = "Azure AD tenant (accepted for kamus-cli compatibility; device-code login is not supported)." },
        new("--auth-application") { Description = "Azure AD application (accepted for compatibility; ignored)." },
        new("--auth-resource") { Description = "Azure AD resource (accepted for compatibility; ignored)." },
    ];

    public void AddTo(Command command)
    {
        foreach (var option in _options)
        {
            command.Options.Add(option);
        }
    }

    public void WarnIfUsed(ParseResult parseResult, CliConsole console)
    {
        if (_options.Any(o => parseResult.GetValue(o) is not null))
        {
            console.Warning($"Azure AD device-code login is not supported; --auth-* options are ignored (send a bearer token with --token or {ConnectionOptions.TokenVariable}).");
        }
    }
}
