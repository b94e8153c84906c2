using Kamus.KeyManagement;
using System.Text.Json;
using Kamus.Wire.Identity;

namespace Kamus.Server.Authentication;

/// <summary>
/// Development mode's reviewer: a static map token → <c>namespace:serviceAccount</c> read from
/// <c>Kamus:Development:TokensFile</c> (a JSON object). No Kubernetes API involved.
/// </summary>
internal sealed class DevelopmentTokenReviewer : ITokenReviewer
{
    private readonly Dictionary<string, ServiceAccountIdentity> _tokens;

    /// <summary>Creates the reviewer from a token map.</summary>
    public DevelopmentTokenReviewer(IReadOnlyDictionary<string, ServiceAccountIdentity> tokens) =>
        _tokens = new Dictionary<string, ServiceAccountIdentity>(tokens, StringComparer.Ordinal);

    /// <summary>The number of tokens known.</summary>
    public int Count => _tokens.Count;

    /// <summary>Reads the tokens file (a JSON object: token → "namespace:serviceAccount"). No file, no tokens.</summary>
    /// <exception cref="KamusSettingsException">The file cannot be read or holds an invalid entry.</exception>
    public static DevelopmentTokenReviewer FromFile(string? path)
    {
        var tokens = new Dictionary<string, ServiceAccountIdentity>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(path))
        {
            return new DevelopmentTokenReviewer(tokens);
        }

        Dictionary<string, string>? map;
        try
        {
            map = JsonSerializer.Deserialize(File.ReadAllText(path), DevelopmentJsonContext.Default.DictionaryStringString);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new KamusSettingsException($"Kamus:Development:TokensFile '{Path.GetFullPath(path)}' cannot be read as a JSON object of token → \"namespace:serviceAccount\" ({e.GetType().Name}).");
        }

        foreach (var (token, name) in map ?? [])
        {
            var colon = name.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !ServiceAccountIdentity.TryParseUserName("system:serviceaccount:" + name, out var identity))
            {
                throw new KamusSettingsException($"Kamus:Development:TokensFile '{Path.GetFullPath(path)}': '{name}' is not \"namespace:serviceAccount\".");
            }

            tokens[token] = identity.Value;
        }

        return new DevelopmentTokenReviewer(tokens);
    }

    /// <inheritdoc />
    public Task<TokenReviewResult> ReviewAsync(string token, CancellationToken cancellationToken) =>
        Task.FromResult(_tokens.TryGetValue(token, out var identity)
            ? new TokenReviewResult(ReviewOutcome.Authenticated, identity)
            : TokenReviewResult.Unauthenticated);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class DevelopmentJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
