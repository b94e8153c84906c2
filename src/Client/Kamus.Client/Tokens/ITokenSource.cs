namespace Kamus.Client.Tokens;

/// <summary>Supplies the pod's service-account token for decrypt calls.</summary>
public interface ITokenSource
{
    /// <summary>Returns the current token. Implementations cache and re-read as they see fit.</summary>
    /// <exception cref="KamusException">With <see cref="KamusErrorKind.Configuration"/> when no token can be had (for example the file is missing).</exception>
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken = default);

    /// <summary>Forgets any cached token, so that the next <see cref="GetTokenAsync"/> reads afresh (called after a 401).</summary>
    void Invalidate();
}
