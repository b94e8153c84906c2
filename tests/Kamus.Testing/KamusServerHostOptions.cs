using Microsoft.AspNetCore.Builder;

namespace Kamus.Testing;

/// <summary>How <see cref="KamusServerHost"/> starts the server.</summary>
public sealed class KamusServerHostOptions
{
    /// <summary>
    /// Configuration settings (ASP.NET keys, ':' separated), applied over every other source. Pre-filled with the
    /// compat-vector master key (<c>KeyManagement:AES:Key</c>), <c>KeyManagement:AES:UseKeyDeriviation=true</c> and
    /// <c>Kubernetes:ProxyUrl</c> pointing at the stand-in. Set a value to <see langword="null"/> to unset it.
    /// </summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Replaces the server's clock (for example a <c>FakeTimeProvider</c> to expire cached reviews).</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Last say over the server's builder (services, logging, configuration).</summary>
    public Action<WebApplicationBuilder>? ConfigureBuilder { get; set; }
}
