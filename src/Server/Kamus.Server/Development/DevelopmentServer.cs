using System.Globalization;
using System.Text;
using Kamus.Wire.Identity;

namespace Kamus.Server.Development;

/// <summary>A development token: the file that holds it and the service account it decrypts as. The token itself is never printed.</summary>
internal sealed record DevelopmentToken(ServiceAccountIdentity Identity, string Path);

/// <summary>A running development server (<see cref="DevelopmentServerCommand"/>); disposing stops it.</summary>
internal sealed class DevelopmentServer(WebApplication app, Uri url, IReadOnlyList<DevelopmentToken> tokens) : IAsyncDisposable
{
    public WebApplication App { get; } = app;

    /// <summary>The address it listens on, without a trailing slash (as KAMUS_URL).</summary>
    public string Url { get; } = url.GetLeftPart(UriPartial.Authority);

    public IReadOnlyList<DevelopmentToken> Tokens { get; } = tokens;

    /// <summary>What to set and how to encrypt for it, printed once the server listens.</summary>
    public string Describe()
    {
        var first = Tokens[0];
        var (ns, name) = (first.Identity.Namespace, first.Identity.Name);
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Kamus development server on {Url}")
            .AppendLine("  INSECURE: the well-known development key and static tokens. Encrypt development values only, never real secrets.")
            .AppendLine()
            .AppendLine("Set these where you `dotnet run` your application (or in its launchSettings.json):")
            .AppendLine(CultureInfo.InvariantCulture, $"  export KAMUS_URL={Url}")
            .AppendLine(CultureInfo.InvariantCulture, $"  export TOKEN_FILE_PATH={first.Path}")
            .AppendLine(CultureInfo.InvariantCulture, $"  (PowerShell: $env:KAMUS_URL='{Url}'; $env:TOKEN_FILE_PATH='{first.Path}')");
        foreach (var other in Tokens.Skip(1))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  for {other.Identity}: TOKEN_FILE_PATH={other.Path}");
        }

        return text.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"The token decrypts as {first.Identity}. Encrypt a development value for it:")
            .AppendLine(CultureInfo.InvariantCulture, $"  printf '%s' 'dev-value' | kamus encrypt -n {ns} -a {name} -u {Url}")
            .AppendLine(CultureInfo.InvariantCulture, $"  kamus encrypt-json appsettings.Development.json -n {ns} -a {name} -u {Url} -k 'ConnectionStrings:*'")
            .Append("Ctrl+C stops the server.")
            .ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
