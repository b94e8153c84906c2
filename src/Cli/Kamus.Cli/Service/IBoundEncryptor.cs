namespace Kamus.Cli.Service;

/// <summary>Encrypts values bound to a context (a KamusSecret key), which <see cref="Kamus.Client.IKamusClient"/> does not offer publicly yet.</summary>
internal interface IBoundEncryptor
{
    /// <summary>Encrypts <paramref name="items"/> for the service account, each named in <paramref name="contexts"/> bound to its context; fails if the server cannot bind.</summary>
    Task<IReadOnlyDictionary<string, string>> EncryptBoundAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, IReadOnlyDictionary<string, string> contexts, CancellationToken cancellationToken);
}
