using Kamus.Configuration;
using Kamus.Configuration.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

// Extension methods live in the namespace of the type they extend, as Microsoft.Extensions' own do.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Options validation for values that come from Kamus.</summary>
public static class KamusOptionsBuilderExtensions
{
    /// <summary>
    /// Fails validation of <typeparamref name="TOptions"/> when a value under <paramref name="configSectionPath"/> could
    /// not be decrypted (an optional or ignored Kamus failure), with a message naming the options type and the key,
    /// for example <c>Options 'DbOptions' need 'Db:Password', which Kamus could not decrypt: Forbidden (not decryptable by this service account; re-encrypt it for this pod's namespace and service account (kamus encrypt -n &lt;namespace&gt; -a &lt;service-account&gt;))</c>.
    /// Combine with <c>ValidateOnStart()</c>.
    /// </summary>
    /// <param name="builder">The options builder.</param>
    /// <param name="configSectionPath">The section the options are bound to (as given to <c>BindConfiguration</c>).</param>
    /// <returns>The options builder.</returns>
    public static OptionsBuilder<TOptions> ValidateKamusSecrets<TOptions>(this OptionsBuilder<TOptions> builder, string configSectionPath)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configSectionPath);
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(services =>
            new KamusSecretsValidator<TOptions>(builder.Name, configSectionPath, services.GetRequiredService<IConfiguration>()));
        return builder;
    }

    private sealed class KamusSecretsValidator<TOptions>(string? name, string sectionPath, IConfiguration configuration) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? optionsName, TOptions options)
        {
            if (name is not null && !string.Equals(name, optionsName, StringComparison.Ordinal))
            {
                return ValidateOptionsResult.Skip;
            }

            var prefix = sectionPath.Length == 0 ? string.Empty : sectionPath + ConfigurationPath.KeyDelimiter;
            var providers = (configuration as IConfigurationRoot)?.Providers.OfType<KamusConfigurationProvider>().ToList() ?? [];
            var marker = providers.FirstOrDefault()?.Marker ?? KamusConfigurationOptions.DefaultMarkerPrefix;
            var section = sectionPath.Length == 0 ? configuration : configuration.GetSection(sectionPath);

            // Failed keys, and bound values that are still ciphertexts (from a source added after AddKamus()).
            var errors = providers
                .SelectMany(provider => provider.Failures)
                .Where(failure => prefix.Length == 0 || failure.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Concat(StillEncryptedValues.Find(section, marker))
                .Select(failure => $"Options '{typeof(TOptions).Name}' need '{failure.Key}', which Kamus could not decrypt: {failure.Kind} ({failure.Reason})")
                .ToList();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
