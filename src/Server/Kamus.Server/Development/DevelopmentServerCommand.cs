using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Kamus.KeyManagement;
using Kamus.Server.Authentication;
using Kamus.Wire.Identity;

namespace Kamus.Server.Development;

/// <summary>
/// <c>Kamus.Server --dev [namespace:service-account ...]</c>: a local server for developing an application that has
/// <c>kamus:</c> values, on a laptop. Development mode (the well-known INSECURE key, a static token map) on
/// <c>http://127.0.0.1:7373</c>; one token file per service account; and it prints the two environment variables
/// (<c>KAMUS_URL</c>, <c>TOKEN_FILE_PATH</c>) that make <c>dotnet run</c> of the application decrypt against it.
/// </summary>
internal static class DevelopmentServerCommand
{
    /// <summary>The argument that selects this command.</summary>
    public const string Flag = "--dev";

    /// <summary>Where the server listens unless <c>--urls</c> says otherwise: fixed, so the variables stay valid across restarts.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7373";

    /// <summary>The service account tokens are made for when none is named.</summary>
    public const string DefaultServiceAccount = "dev:my-app";

    /// <summary>Runs the development server until Ctrl+C, if <paramref name="args"/> asks for it; null otherwise.</summary>
    public static async Task<int?> TryRunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] != Flag)
        {
            return null;
        }

        var identities = new List<ServiceAccountIdentity>();
        var rest = new List<string>();
        foreach (var arg in args[1..])
        {
            if (arg.StartsWith('-') || rest.Count > 0)
            {
                rest.Add(arg); // --urls and any other ASP.NET Core setting, as usual
            }
            else if (ParseIdentity(arg) is { } identity)
            {
                identities.Add(identity);
            }
            else
            {
                await error.WriteLineAsync($"Kamus development server: '{arg}' is not namespace:service-account (for example shop:orders-api), or it names the 'default' service account.");
                return 1;
            }
        }

        if (identities.Count == 0)
        {
            identities.Add(ParseIdentity(DefaultServiceAccount)!.Value);
        }

        var folder = Path.Combine(Path.GetTempPath(), "kamus-dev");
        var tokens = WriteTokens(folder, identities);
        var app = KamusServerApplication.Build([.. rest], builder =>
        {
            var settings = new Dictionary<string, string?>
            {
                ["Kamus:Development:Enabled"] = "true",
                ["Kamus:Development:TokensFile"] = tokens.MapFile,
                // Upstream-format values under the development key are per-account too (and the start-up warning about it is noise here).
                ["KeyManagement:AES:UseKeyDeriviation"] = "true",
            };
            if (string.IsNullOrEmpty(builder.Configuration["urls"]))
            {
                settings["urls"] = DefaultUrl;
            }

            builder.Configuration.AddInMemoryCollection(settings);
        });
        await using (app)
        {
            await app.StartAsync();
            var url = app.Urls.First().TrimEnd('/');
            await output.WriteLineAsync(Describe(url, tokens.Files));
            await app.WaitForShutdownAsync();
        }

        return 0;
    }

    private static ServiceAccountIdentity? ParseIdentity(string text) =>
        text.IndexOf(':', StringComparison.Ordinal) > 0
        && ServiceAccountIdentity.TryParseUserName("system:serviceaccount:" + text, out var identity)
        && !identity.Value.IsDefaultServiceAccount
            ? identity.Value
            : null;

    /// <summary>Writes a fresh random token per service account (owner-only files) and the server's token map.</summary>
    private static (string MapFile, List<(ServiceAccountIdentity Identity, string Path)> Files) WriteTokens(string folder, List<ServiceAccountIdentity> identities)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            var files = new List<(ServiceAccountIdentity, string)>();
            foreach (var identity in identities)
            {
                var token = "kamus-dev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                var path = Path.Combine(folder, $"{identity.Namespace}.{identity.Name}.token");
                WriteOwnerOnly(path, token);
                map[token] = identity.ToString();
                files.Add((identity, path));
            }

            var mapFile = Path.Combine(folder, "tokens.json");
            WriteOwnerOnly(mapFile, JsonSerializer.Serialize(map, DevelopmentJsonContext.Default.DictionaryStringString));
            return (mapFile, files);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KamusSettingsException($"The development token folder '{folder}' cannot be written ({e.GetType().Name}: {e.Message}).", e);
        }
    }

    private static void WriteOwnerOnly(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, System.Text.Encoding.UTF8, options);
        writer.Write(text);
    }

    private static string Describe(string url, List<(ServiceAccountIdentity Identity, string Path)> files)
    {
        var text = new System.Text.StringBuilder();
        var first = files[0];
        text.AppendLine(CultureInfo.InvariantCulture, $"Kamus development server on {url}")
            .AppendLine("  INSECURE: the well-known development key and static tokens. Encrypt development values only, never real secrets.")
            .AppendLine()
            .AppendLine("Set these where you `dotnet run` your application (or in its launchSettings.json):")
            .AppendLine(CultureInfo.InvariantCulture, $"  export KAMUS_URL={url}")
            .AppendLine(CultureInfo.InvariantCulture, $"  export TOKEN_FILE_PATH={first.Path}")
            .AppendLine(CultureInfo.InvariantCulture, $"  (PowerShell: $env:KAMUS_URL='{url}'; $env:TOKEN_FILE_PATH='{first.Path}')");
        foreach (var (identity, path) in files.Skip(1))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  for {identity.Namespace}:{identity.Name}: TOKEN_FILE_PATH={path}");
        }

        text.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"The token decrypts as {first.Identity.Namespace}:{first.Identity.Name}. Encrypt a development value for it:")
            .AppendLine(CultureInfo.InvariantCulture, $"  printf '%s' 'dev-value' | kamus encrypt -n {first.Identity.Namespace} -a {first.Identity.Name} -u {url}")
            .AppendLine(CultureInfo.InvariantCulture, $"  kamus encrypt-json appsettings.Development.json -n {first.Identity.Namespace} -a {first.Identity.Name} -u {url} -k 'ConnectionStrings:*'")
            .Append("Ctrl+C stops the server.");
        return text.ToString();
    }
}
