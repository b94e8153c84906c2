namespace Kamus.Client.Tokens;

/// <summary>A fixed token, for development and tests.</summary>
public sealed class StaticTokenSource : ITokenSource
{
    private readonly string _token;

    /// <summary>Creates a source that always answers <paramref name="token"/>.</summary>
    public StaticTokenSource(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        _token = token;
    }

    /// <inheritdoc />
    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_token);

    /// <inheritdoc />
    public void Invalidate()
    {
    }

    /// <summary>Never shows the token.</summary>
    public override string ToString() => "StaticTokenSource(redacted)";
}
