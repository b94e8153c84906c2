using Microsoft.Extensions.Configuration;

namespace Kamus.Configuration;

/// <summary>
/// Wraps the configuration sources that were added before <c>AddKamus()</c>: builds and loads each of them once,
/// forwards their reload tokens, and exposes their merged values with the encrypted ones decrypted.
/// </summary>
public sealed class KamusConfigurationSource : IConfigurationSource
{
    /// <summary>Creates a source wrapping <paramref name="sources"/> (in order: later ones override earlier ones).</summary>
    public KamusConfigurationSource(IEnumerable<IConfigurationSource> sources, KamusConfigurationOptions options)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Sources = [.. sources];
        Options = options;
    }

    /// <summary>The wrapped sources, in order.</summary>
    public IReadOnlyList<IConfigurationSource> Sources { get; }

    /// <summary>The settings.</summary>
    public KamusConfigurationOptions Options { get; }

    /// <summary>
    /// When true, every value of the wrapped sources is a ciphertext without marker (<c>AddKamusFiles</c>, the
    /// encrypted ConfigMap of upstream's init container); when false, only values starting with the marker are.
    /// </summary>
    internal bool EveryValueIsCiphertext { get; init; }

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // A ConfigurationManager is also the configuration built so far: AddKamusFiles can read its Kamus section there.
        Func<string, string?>? settingsFallback = builder is IConfiguration built && EveryValueIsCiphertext ? key => built[key] : null;
        var providers = new IConfigurationProvider[Sources.Count];
        for (var i = 0; i < providers.Length; i++)
        {
            providers[i] = Sources[i].Build(builder);
        }

        return new KamusConfigurationProvider(this, providers, settingsFallback);
    }
}
