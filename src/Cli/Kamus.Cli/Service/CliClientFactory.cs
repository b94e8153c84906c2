using Kamus.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Kamus.Cli.Service;

/// <summary>
/// Makes the real <see cref="KamusClient"/> for a connection, through <c>AddKamusClient</c> so TLS pinning and the
/// connection handling are the library's own; a bearer token for an encryptor behind authentication is added by one
/// extra message handler.
/// </summary>
internal static class CliClientFactory
{
    public static IKamusClient Create(KamusConnection connection)
    {
        var services = new ServiceCollection();
        services.AddKamusClient(options =>
        {
            options.Url = connection.Url;
            options.AllowInsecureHttp = connection.AllowInsecureHttp;
            options.CertificateFingerprint = connection.CertificateFingerprint;
            options.TokenFilePath = connection.TokenFilePath;
            options.CaBundlePath = connection.CaBundlePath;
            if (connection.Timeout is { } timeout)
            {
                options.TotalTimeout = timeout;
                options.AttemptTimeout = options.AttemptTimeout > timeout ? timeout : options.AttemptTimeout;
            }
        });
        if (connection.BearerToken is { } token)
        {
            services.AddHttpClient(KamusClientServiceCollectionExtensions.HttpClientName)
                .AddHttpMessageHandler(() => new BearerTokenHandler(token));
        }

        var provider = services.BuildServiceProvider();
        try
        {
            return new OwnedKamusClient(provider.GetRequiredService<IKamusClient>(), provider);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            provider.Dispose();
            throw new KamusException(KamusErrorKind.Configuration, string.Join("; ", e.Failures) + ".", innerException: e);
        }
    }

    /// <summary>Runs <paramref name="call"/> with a fresh client and disposes of it afterwards.</summary>
    public static async Task<T> UseAsync<T>(CliConsole console, KamusConnection connection, Func<IKamusClient, Task<T>> call)
    {
        var client = console.Environment.ClientFactory(connection);
        try
        {
            return await call(client);
        }
        catch (KamusException e) when (!e.Message.Contains("://", StringComparison.Ordinal))
        {
            // A refused value (Forbidden, InvalidCiphertext) or a client-side check names no server: say which one it was.
            throw new KamusException(e.Kind, $"{e.Message.TrimEnd('.')} (server {connection.Url})", e.Status, e) { CiphertextFingerprint = e.CiphertextFingerprint };
        }
        finally
        {
            (client as IDisposable)?.Dispose();
        }
    }

    /// <summary>The client together with the container that owns it, released as one.</summary>
    private sealed class OwnedKamusClient(IKamusClient inner, ServiceProvider provider) : IKamusClient, IBoundEncryptor, IDisposable
    {
        public Task<IReadOnlyDictionary<string, string>> EncryptBoundAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, IReadOnlyDictionary<string, string> contexts, CancellationToken cancellationToken) =>
            ((KamusClient)inner).EncryptBoundAsync(serviceAccount, @namespace, items, contexts, cancellationToken);

        public Task<string> EncryptAsync(string data, string serviceAccount, string @namespace, CancellationToken cancellationToken = default) =>
            inner.EncryptAsync(data, serviceAccount, @namespace, cancellationToken);

        public Task<IReadOnlyDictionary<string, string>> EncryptManyAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, CancellationToken cancellationToken = default) =>
            inner.EncryptManyAsync(serviceAccount, @namespace, items, cancellationToken);

        public Task<IReadOnlyDictionary<string, string>> EncryptManyAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, IReadOnlyDictionary<string, string>? contexts, CancellationToken cancellationToken = default) =>
            inner.EncryptManyAsync(serviceAccount, @namespace, items, contexts, cancellationToken);

        public Task<Kamus.Client.Offline.KamusPublicKeyStatement> GetPublicKeyStatementAsync(string serviceAccount, string @namespace, CancellationToken cancellationToken = default) =>
            inner.GetPublicKeyStatementAsync(serviceAccount, @namespace, cancellationToken);

        public Task<string> DecryptAsync(string ciphertext, CancellationToken cancellationToken = default) =>
            inner.DecryptAsync(ciphertext, cancellationToken);

        public Task<IReadOnlyList<DecryptOutcome>> DecryptManyAsync(IReadOnlyList<string> ciphertexts, IReadOnlyList<string?>? contexts, CancellationToken cancellationToken = default) =>
            inner.DecryptManyAsync(ciphertexts, contexts, cancellationToken);

        public Task<IReadOnlyList<DecryptOutcome>> DecryptManyAsync(IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken = default) =>
            inner.DecryptManyAsync(ciphertexts, cancellationToken);

        public Task<IReadOnlyList<RewrapOutcome>> RewrapManyAsync(string serviceAccount, string @namespace, IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken = default) =>
            inner.RewrapManyAsync(serviceAccount, @namespace, ciphertexts, cancellationToken);

        public void Dispose() => provider.Dispose();
    }
}
