namespace Kamus.Client.Tokens;

/// <summary>
/// When a token is due for a re-read, from its <c>iat</c> and <c>exp</c> claims (read by
/// <see cref="Kamus.Wire.Identity.JwtPayload"/>): at 80% of its lifetime, as the kubelet rotates projected tokens.
/// </summary>
internal static class JwtLifetime
{
    /// <summary>The share of a token's lifetime after which the kubelet rotates a projected token.</summary>
    public const double RefreshShare = 0.8;

    /// <summary>When a token read at <paramref name="readAt"/> is due for a re-read: at 80% of its lifetime.</summary>
    public static DateTimeOffset RefreshAt(DateTimeOffset? issuedAt, DateTimeOffset expiresAt, DateTimeOffset readAt)
    {
        var start = issuedAt is { } iat && iat <= readAt ? iat : readAt;
        var lifetime = expiresAt - start;
        return lifetime <= TimeSpan.Zero ? readAt : start + (lifetime * RefreshShare);
    }
}
