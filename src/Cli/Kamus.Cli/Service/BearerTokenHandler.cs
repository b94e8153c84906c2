using System.Net.Http.Headers;

namespace Kamus.Cli.Service;

/// <summary>Sends <c>Authorization: Bearer</c> to an encryptor behind authentication, unless the request already carries one.</summary>
internal sealed class BearerTokenHandler(string token) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", token);
        return base.SendAsync(request, cancellationToken);
    }

    public override string ToString() => "BearerTokenHandler(redacted)";
}
