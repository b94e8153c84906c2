using System.Net;

namespace Kamus.Client.Transport;

/// <summary>Which Kamus URLs the client talks to: HTTPS, or HTTP to a loopback host, or HTTP anywhere when explicitly allowed.</summary>
internal static class KamusUrlPolicy
{
    /// <summary>Returns why <paramref name="url"/> is refused, or <see langword="null"/> when it is acceptable.</summary>
    public static string? Check(Uri url, bool allowInsecureHttp)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            return "the Kamus URL must be an absolute http(s) URL";
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            return "the Kamus URL must not carry credentials";
        }

        if (url.Scheme == Uri.UriSchemeHttp && !allowInsecureHttp && !IsLoopback(url))
        {
            return $"the Kamus URL {url.GetLeftPart(UriPartial.Authority)} uses plain HTTP to a non-loopback host; use HTTPS, or set AllowInsecureHttp / KAMUS_ALLOW_INSECURE_URL=true";
        }

        return null;
    }

    /// <summary>Whether plain HTTP goes to a host other than loopback (allowed only by opt-in, and warned about).</summary>
    public static bool IsInsecureRemote(Uri url) => url.Scheme == Uri.UriSchemeHttp && !IsLoopback(url);

    public static bool IsLoopback(Uri url) =>
        string.Equals(url.IdnHost, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(url.IdnHost, out var address) && IPAddress.IsLoopback(address));

    /// <summary>The base URL with a trailing slash, so that relative endpoint paths keep any path prefix.</summary>
    public static Uri NormalizeBase(Uri url)
    {
        var builder = new UriBuilder(url) { Query = string.Empty, Fragment = string.Empty };
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        return builder.Uri;
    }
}
