namespace Kamus.KeyManagement.AzureKeyVault;

/// <summary>
/// What a Key Vault's <c>401</c> asks for: <c>WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/&lt;tenant&gt;",
/// resource="https://vault.azure.net"</c> (older vaults say <c>authorization_uri</c>; newer ones may add <c>scope</c>).
/// The tenant comes from the authorization URL; the token scope from <c>scope</c>, else <c>resource/.default</c>.
/// </summary>
internal sealed record KeyVaultChallenge(string TenantId, string Scope, Uri Resource)
{
    /// <summary>Reads a <c>Bearer</c> challenge, or returns <see langword="null"/> when the header is not one.</summary>
    public static KeyVaultChallenge? TryParse(string? header)
    {
        const string Scheme = "Bearer ";
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string? authorization = null, resource = null, scope = null;
        foreach (var (name, value) in Parameters(header.AsSpan(Scheme.Length)))
        {
            switch (name)
            {
                case "authorization" or "authorization_uri":
                    authorization = value;
                    break;
                case "resource":
                    resource = value;
                    break;
                case "scope":
                    scope = value;
                    break;
            }
        }

        if (!Uri.TryCreate(authorization, UriKind.Absolute, out var authority)
            || authority.Segments is not [_, var tenantSegment, ..]
            || (resource ?? ScopeResource(scope)) is not { } resourceText
            || !Uri.TryCreate(resourceText, UriKind.Absolute, out var resourceUri))
        {
            return null;
        }

        var tenant = tenantSegment.TrimEnd('/');
        if (tenant.Length == 0 || !tenant.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
        {
            return null;
        }

        return new KeyVaultChallenge(tenant, scope ?? resourceText.TrimEnd('/') + "/.default", resourceUri);
    }

    /// <summary>
    /// The claims of a continuous access evaluation challenge (<c>Bearer error="insufficient_claims",
    /// claims="&lt;base64 JSON&gt;"</c>, sent when a token was revoked), decoded; otherwise <see langword="null"/>.
    /// </summary>
    public static string? TryParseClaims(string? header)
    {
        const string Scheme = "Bearer ";
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var parameters = Parameters(header.AsSpan(Scheme.Length));
        if (!parameters.Exists(p => p.Name == "error" && p.Value == "insufficient_claims") || parameters.Find(p => p.Name == "claims").Value is not { Length: > 0 } encoded)
        {
            return null;
        }

        var buffer = new byte[encoded.Length];
        return Convert.TryFromBase64String(encoded, buffer, out var written) ? System.Text.Encoding.UTF8.GetString(buffer, 0, written) : null;
    }

    /// <summary>
    /// Whether the challenge may be answered for <paramref name="vault"/>: its resource's host is the vault's host or a
    /// parent domain of it (<c>vault.azure.net</c> for <c>name.vault.azure.net</c>). This is the Azure SDK's check: a
    /// token is never sent for a resource that a look-alike endpoint names.
    /// </summary>
    public bool Covers(Uri vault) =>
        string.Equals(vault.Host, Resource.Host, StringComparison.OrdinalIgnoreCase)
        || vault.Host.EndsWith("." + Resource.Host, StringComparison.OrdinalIgnoreCase);

    private static string? ScopeResource(string? scope)
    {
        const string Suffix = "/.default";
        return scope is not null && scope.EndsWith(Suffix, StringComparison.Ordinal) ? scope[..^Suffix.Length] : null;
    }

    // name="value" pairs separated by commas or spaces; values may be unquoted.
    private static List<(string Name, string Value)> Parameters(ReadOnlySpan<char> text)
    {
        var result = new List<(string, string)>();
        while (true)
        {
            text = text.TrimStart(" ,");
            var equals = text.IndexOf('=');
            if (equals <= 0)
            {
                return result;
            }

            var name = text[..equals].Trim().ToString().ToLowerInvariant();
            text = text[(equals + 1)..].TrimStart();
            string value;
            if (text.StartsWith("\""))
            {
                var close = text[1..].IndexOf('"');
                if (close < 0)
                {
                    return result;
                }

                value = text.Slice(1, close).ToString();
                text = text[(close + 2)..];
            }
            else
            {
                var end = text.IndexOfAny(", ");
                value = (end < 0 ? text : text[..end]).ToString();
                text = end < 0 ? [] : text[end..];
            }

            result.Add((name, value));
        }
    }
}
