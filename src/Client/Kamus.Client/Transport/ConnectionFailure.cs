using System.Net.Sockets;
using System.Security.Authentication;
using Polly.Timeout;

namespace Kamus.Client.Transport;

/// <summary>
/// Says, in words a user can act on, why a request never got an answer: connection refused, DNS, TLS, a timeout, or
/// a connection dropped mid-answer. Names the URL (never credentials: a URL with user info is refused up front).
/// </summary>
internal static class ConnectionFailure
{
    /// <summary>The URL to show for <paramref name="endpoint"/>: scheme, host, port and path only.</summary>
    public static string DisplayUrl(Uri baseUrl, string endpoint) =>
        new Uri(baseUrl, endpoint.TrimStart('/')).GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    /// <summary>The cause of <paramref name="exception"/>, for example <c>connection refused by 127.0.0.1:7373 (is the server running, and on this port?)</c>.</summary>
    public static string Describe(Exception exception, Uri url, TimeSpan attemptTimeout)
    {
        var hostPort = $"{url.Host}:{url.Port}";
        if (exception is TimeoutRejectedException or OperationCanceledException)
        {
            return $"no answer within {attemptTimeout} (AttemptTimeout)";
        }

        if (Find<AuthenticationException>(exception) is not null)
        {
            // The exception does not say which of the two it was: name both, the likelier first.
            return $"the TLS handshake with {hostPort} failed: its certificate is not trusted or not issued for {url.Host} (for a private CA set CaBundlePath, kamus --ca-bundle; or pin it with CertificateFingerprint, kamus --cert-fingerprint), or nothing speaks TLS on that port (an http:// server?)";
        }

        if (Find<SocketException>(exception) is { } socket)
        {
            switch (socket.SocketErrorCode)
            {
                case SocketError.ConnectionRefused:
                    return $"connection refused by {hostPort} (is the server running, and on this port?)";
                case SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain:
                    return $"DNS: the host name {url.Host} was not found (check the URL; an in-cluster name like *.svc resolves only inside the cluster)";
                case SocketError.TimedOut:
                    return $"connecting to {hostPort} timed out (a firewall, or the wrong host?)";
                case SocketError.HostUnreachable or SocketError.NetworkUnreachable:
                    return $"{hostPort} is unreachable from here ({socket.SocketErrorCode})";
                case SocketError.ConnectionReset or SocketError.ConnectionAborted:
                    return $"{hostPort} closed the connection (is it a Kamus server, and is the scheme right: http:// or https://?)";
            }
        }

        return exception switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } =>
                $"DNS: the host name {url.Host} was not found (check the URL; an in-cluster name like *.svc resolves only inside the cluster)",
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } =>
                $"the TLS handshake with {hostPort} failed (is it serving https:// there? for a private CA set CaBundlePath, kamus --ca-bundle)",
            HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse } =>
                $"{hostPort} ended the connection without a valid HTTP answer (is it a Kamus server, and is the scheme right: http:// or https://?)",
            HttpRequestException { HttpRequestError: var error } when error != HttpRequestError.Unknown => $"{error} talking to {hostPort}",
            IOException => $"the connection to {hostPort} failed while reading the answer ({exception.GetType().Name})",
            _ => $"{exception.GetType().Name} talking to {hostPort}",
        };
    }

    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T found)
            {
                return found;
            }
        }

        return null;
    }
}
