namespace Kamus.Configuration.Testing;

/// <summary>Test set-ups of <see cref="KamusConfigurationOptions"/>.</summary>
public static class KamusConfigurationOptionsTestingExtensions
{
    /// <summary>
    /// Decrypts with an in-memory table instead of a Kamus server, for an application's own tests:
    /// each key of <paramref name="plaintextByCiphertext"/> is a ciphertext (as written after the marker), its value the plaintext.
    /// Any other ciphertext fails as <see cref="Client.KamusErrorKind.InvalidCiphertext"/>.
    /// </summary>
    /// <param name="options">The options of <c>AddKamus()</c> or <c>AddKamusFiles()</c>.</param>
    /// <param name="plaintextByCiphertext">Ciphertext → plaintext; more can be added to the returned client.</param>
    /// <returns>The in-memory client now set as <see cref="KamusConfigurationOptions.Client"/>, to add entries or count calls.</returns>
    public static InMemoryKamusClient UseInMemoryDecryptor(this KamusConfigurationOptions options, IReadOnlyDictionary<string, string>? plaintextByCiphertext = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = new InMemoryKamusClient(plaintextByCiphertext);
        options.Client = client;
        return client;
    }
}
