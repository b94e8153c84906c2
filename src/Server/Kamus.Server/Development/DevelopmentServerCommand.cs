using System.Security.Cryptography;
using System.Text.Json;
using Kamus.KeyManagement;
using Kamus.Server.Authentication;
using Kamus.Wire.Identity;

namespace Kamus.Server.Development;

/// <summary>
/// <c>Kamus.Server --dev [namespace:service-account ...] [server settings]</c>: a local server for developing an
/// application that has <c>kamus:</c> values, on a laptop. Development mode (the well-known INSECURE key, a static
/// token map) on <see cref="DefaultUrl"/>, one token file per service account, and it prints the two environment
/// variables (<c>KAMUS_URL</c>, <c>TOKEN_FILE_PATH</c>) that make <c>dotnet run</c> of the application decrypt against it.
/// </summary>
internal static class DevelopmentServerCommand
{
    /// <summary>The argument that selects this command.</summary>
    public const string Flag = "--dev";

    /// <summary>Where the server listens unless <c>--urls</c> says otherwise: fixed, so the variables stay valid across restarts.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7373";

    /// <summary>The service account a token is made for when none is named.</summary>
    public const string DefaultServiceAccount = "dev:my-app";

    /// <summary>Where the token files go: the same folder every time, so <c>TOKEN_FILE_PATH</c> stays valid.</summary>
    public static string DefaultTokenFolder => Path.Combine(Path.GetTempPath(), "kamus-dev");

    /// <summary>Runs the development server until Ctrl+C when <paramref name="args"/> asks for it; null otherwise.</summary>
    /// <exception cref="KamusSettingsException">An argument is not <c>namespace:service-account</c>, or the token folder cannot be written.</exception>
    public static async Task<int?> TryRunAsync(string[] args, TextWriter output)
    {
        if (args.Length == 0 || args[0] != Flag)
        {
            return null;
        }

        DevelopmentServer server;
        try
        {
            server = await StartAsync(args[1..], DefaultTokenFolder);
        }
        catch (IOException e)
        {
            // Kestrel's "address already in use", most often a development server started earlier.
            throw new KamusSettingsException($"--dev: {e.Message} Is a development server already running? Stop it, or give --urls http://127.0.0.1:<another port>.", e);
        }

        await using var running = server;
        await output.WriteLineAsync(server.Describe());
        await server.App.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>Writes the tokens and starts the server; the caller stops it by disposing.</summary>
    /// <param name="args">Service accounts first (<c>namespace:name</c>), then any server setting (<c>--urls ...</c>).</param>
    /// <param name="tokenFolder">Where the token files and the server's token map go.</param>
    public static async Task<DevelopmentServer> StartAsync(string[] args, string tokenFolder)
    {
        var identities = args.TakeWhile(arg => !arg.StartsWith('-')).Select(ParseIdentity).ToList();
        if (identities.Count == 0)
        {
            identities.Add(ParseIdentity(DefaultServiceAccount));
        }

        var (mapFile, tokens) = WriteTokens(tokenFolder, identities);
        var app = KamusServerApplication.Build([.. args.SkipWhile(arg => !arg.StartsWith('-'))], builder =>
        {
            var settings = new Dictionary<string, string?>
            {
                ["Kamus:Development:Enabled"] = "true",
                ["Kamus:Development:TokensFile"] = mapFile,
                // Upstream-format values under the development key are per-account too (and the warning about it is noise here).
                ["KeyManagement:AES:UseKeyDeriviation"] = "true",
            };
            if (string.IsNullOrEmpty(builder.Configuration["urls"]))
            {
                settings["urls"] = DefaultUrl;
            }

            builder.Configuration.AddInMemoryCollection(settings);
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new DevelopmentServer(app, new Uri(app.Urls.First()), tokens);
    }

    private static ServiceAccountIdentity ParseIdentity(string text) =>
        text.IndexOf(':', StringComparison.Ordinal) > 0
        && ServiceAccountIdentity.TryParseUserName("system:serviceaccount:" + text, out var identity)
        && !identity.Value.IsDefaultServiceAccount
            ? identity.Value
            : throw new KamusSettingsException($"--dev: '{text}' is not namespace:service-account (for example shop:orders-api), or it names a 'default' service account, which Kamus refuses.");

    /// <summary>Writes a fresh random token per service account (owner-only files) and the server's token map.</summary>
    private static (string MapFile, List<DevelopmentToken> Tokens) WriteTokens(string folder, List<ServiceAccountIdentity> identities)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            var tokens = new List<DevelopmentToken>();
            foreach (var identity in identities.Distinct())
            {
                var token = "kamus-dev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                var path = Path.Combine(folder, $"{identity.Namespace}.{identity.Name}.token");
                WriteOwnerOnly(path, token);
                map[token] = identity.ToString();
                tokens.Add(new DevelopmentToken(identity, path));
            }

            var mapFile = Path.Combine(folder, "tokens.json");
            WriteOwnerOnly(mapFile, JsonSerializer.Serialize(map, DevelopmentJsonContext.Default.DictionaryStringString));
            return (mapFile, tokens);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KamusSettingsException($"--dev: the token folder '{Path.GetFullPath(folder)}' cannot be written ({e.GetType().Name}).", e);
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
}
