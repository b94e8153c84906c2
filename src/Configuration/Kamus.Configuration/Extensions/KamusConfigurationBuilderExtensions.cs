using Kamus.Configuration.Internal;
using Kamus.Configuration;
using Microsoft.Extensions.Configuration.KeyPerFile;
using Microsoft.Extensions.FileProviders;

// Extension methods live in the namespace of the type they extend, as Microsoft.Extensions' own do.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.Configuration;
#pragma warning restore IDE0130

/// <summary>Adds Kamus decryption to an <see cref="IConfigurationBuilder"/>.</summary>
public static class KamusConfigurationBuilderExtensions
{
    /// <summary>
    /// Decrypts, at startup and into memory only, every value of the sources added so far that starts with the marker
    /// (<c>kamus:</c> by default). Those sources are wrapped by the Kamus source (each loaded once, reload tokens
    /// forwarded); sources added later still override them.
    /// </summary>
    /// <param name="builder">The builder (a <see cref="ConfigurationManager"/> or a <see cref="ConfigurationBuilder"/>).</param>
    /// <param name="configure">Adjusts the settings; unset ones come from the <c>Kamus</c> section, then <c>KAMUS_URL</c> and <c>TOKEN_FILE_PATH</c>.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddKamus(this IConfigurationBuilder builder, Action<KamusConfigurationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new KamusConfigurationOptions();
        configure?.Invoke(options);
        return builder.AddKamus(options);
    }

    /// <summary>
    /// Reads a folder the way <c>AddKeyPerFile</c> does (a file's name is the key, <c>__</c> becomes <c>:</c>) where
    /// every file holds a Kamus ciphertext without marker: the encrypted ConfigMap that upstream Kamus mounts for its
    /// init container. The values are decrypted into memory like those of <see cref="AddKamus(IConfigurationBuilder, Action{KamusConfigurationOptions}?)"/>;
    /// no init container and no plaintext file are needed. A file over 1 MiB (the longest ciphertext) is refused
    /// before it is read: <c>Build()</c> throws a <see cref="Kamus.Configuration.KamusConfigurationException"/> naming its key.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="directoryPath">The folder (for example the ConfigMap's mount path).</param>
    /// <param name="configure">Adjusts the settings; unset ones come from <c>KAMUS_URL</c> and <c>TOKEN_FILE_PATH</c> (and, with a <see cref="ConfigurationManager"/>, the <c>Kamus</c> section).</param>
    /// <param name="optional">Whether a missing folder is allowed.</param>
    /// <param name="reloadOnChange">Whether to reload (and decrypt what changed) when the files change.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddKamusFiles(this IConfigurationBuilder builder, string directoryPath, Action<KamusConfigurationOptions>? configure = null, bool optional = false, bool reloadOnChange = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(directoryPath);
        var options = new KamusConfigurationOptions();
        configure?.Invoke(options);
        var files = new KeyPerFileConfigurationSource
        {
            FileProvider = Directory.Exists(directoryPath) ? new SizeLimitedFileProvider(new PhysicalFileProvider(Path.GetFullPath(directoryPath))) : null,
            Optional = optional,
            ReloadOnChange = reloadOnChange,
        };
        return builder.Add(new KamusConfigurationSource([files], options) { EveryValueIsCiphertext = true });
    }

    internal static IConfigurationBuilder AddKamus(this IConfigurationBuilder builder, KamusConfigurationOptions options)
    {
        var earlier = builder.Sources.ToArray();
        var kamus = new KamusConfigurationSource(earlier, options);

        // One Clear, then one Add: a ConfigurationManager rebuilds its (now empty) provider list once and disposes the
        // providers it had built for these sources, then builds and loads only the Kamus source, which builds and loads
        // each wrapped source once. Removing sources one by one would reload every remaining source each time.
        builder.Sources.Clear();
        return builder.Add(kamus);
    }
}
