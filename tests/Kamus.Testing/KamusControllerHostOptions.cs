using Microsoft.AspNetCore.Builder;

namespace Kamus.Testing;

/// <summary>How <see cref="KamusControllerHost"/> starts the controller.</summary>
public sealed class KamusControllerHostOptions
{
    /// <summary>
    /// Configuration settings (':' separated), applied over every other source; pre-filled as
    /// <see cref="KamusControllerHost.StartAsync"/> describes. Set a value to <see langword="null"/> to unset it.
    /// </summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Replaces the controller's clock (a <c>FakeTimeProvider</c> drives resyncs and retries).</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Last say over the controller's builder.</summary>
    public Action<WebApplicationBuilder>? ConfigureBuilder { get; set; }
}
