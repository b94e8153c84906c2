using Azure.Core;
using Azure.Core.Pipeline;

namespace Kamus.KeyManagement.AzureKeyVault;

/// <summary>
/// Key Vault's challenge-based bearer authentication, as the Azure SDK does it, in a few lines of our own because
/// Azure.Core's <c>BearerTokenAuthenticationPolicy</c> refuses plain http (and so a loopback stand-in). The first
/// request goes out without its body and without a token; the vault's <c>401</c> names the tenant and the resource
/// (<see cref="KeyVaultChallenge"/>); the token for that resource is then added and the request sent in full. The
/// challenge and the token are reused until the token nears expiry or the vault challenges again.
/// </summary>
internal sealed class KeyVaultBearerPolicy : HttpPipelinePolicy
{
    // Refresh this long before expiry, so a token never expires in flight.
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly Func<string, TokenCredential> _credentialForTenant;
    private readonly TimeProvider _time;
    private KeyVaultChallenge? _challenge;
    private CachedToken? _token;

    /// <param name="credentialForTenant">The credential for the tenant the vault's challenge names (called once per tenant).</param>
    /// <param name="time">The clock that decides when a token is refreshed.</param>
    public KeyVaultBearerPolicy(Func<string, TokenCredential> credentialForTenant, TimeProvider time)
    {
        _credentialForTenant = credentialForTenant;
        _time = time;
    }

    /// <summary>Only the asynchronous pipeline is used.</summary>
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("The Key Vault client is asynchronous only.");

    /// <inheritdoc />
    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        var vault = message.Request.Uri.ToUri();
        if (Volatile.Read(ref _challenge) is { } known)
        {
            await AuthorizeAsync(message, known, claims: null, refresh: false).ConfigureAwait(false);
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            if (message.Response.Status != 401)
            {
                return;
            }

            // Continuous access evaluation: the token was revoked, and the claims it names make Entra ID issue a new
            // one (MSAL's cache would answer the revoked token). Otherwise the vault may have moved tenant: one fresh
            // challenge and token. Either way, one more try.
            if (KeyVaultChallenge.TryParseClaims(Header(message)) is { } claims)
            {
                await AuthorizeAsync(message, known, claims, refresh: true).ConfigureAwait(false);
            }
            else if (ReadChallenge(message, vault) is { } renewed)
            {
                await AuthorizeAsync(message, renewed, claims: null, refresh: true).ConfigureAwait(false);
            }
            else
            {
                return;
            }

            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            return;
        }

        // No challenge yet: send nothing secret to learn what the vault wants.
        var content = message.Request.Content;
        message.Request.Content = null;
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        message.Request.Content = content;
        if (message.Response.Status == 401 && ReadChallenge(message, vault) is { } challenge)
        {
            await AuthorizeAsync(message, challenge, claims: null, refresh: false).ConfigureAwait(false);
        }
        else if (content is null)
        {
            return;
        }

        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
    }

    private static string? Header(HttpMessage message) =>
        message.Response.Headers.TryGetValue("WWW-Authenticate", out var header) ? header : null;

    private KeyVaultChallenge? ReadChallenge(HttpMessage message, Uri vault)
    {
        var challenge = KeyVaultChallenge.TryParse(Header(message));
        if (challenge is null)
        {
            return null;
        }

        if (!challenge.Covers(vault))
        {
            throw new KeyVaultRequestException(
                $"the vault at {vault.GetLeftPart(UriPartial.Authority)} asked for a token for '{challenge.Resource}', which is not its own domain; no token was sent");
        }

        Volatile.Write(ref _challenge, challenge);
        return challenge;
    }

    private async ValueTask AuthorizeAsync(HttpMessage message, KeyVaultChallenge challenge, string? claims, bool refresh)
    {
        var cached = Volatile.Read(ref _token);
        var now = _time.GetUtcNow();
        if (refresh || cached is null || cached.Challenge != challenge || cached.Token.ExpiresOn - RefreshMargin <= now)
        {
            var credential = _credentialForTenant(challenge.TenantId);
            var token = await credential.GetTokenAsync(new TokenRequestContext([challenge.Scope], claims: claims), message.CancellationToken).ConfigureAwait(false);
            cached = new CachedToken(challenge, token);
            Volatile.Write(ref _token, cached);
        }

        message.Request.Headers.SetValue(HttpHeader.Names.Authorization, "Bearer " + cached.Token.Token);
    }

    private sealed record CachedToken(KeyVaultChallenge Challenge, AccessToken Token)
    {
        // Never shows the token.
        public override string ToString() => $"CachedToken({Challenge.Scope}, expires {Token.ExpiresOn:O})";
    }
}
