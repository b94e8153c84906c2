using Kamus.Client;
using Kamus.Wire.Formats;

namespace Kamus.Cli.Tests.Support;

/// <summary>
/// A stand-in for the server in tests of the CLI's own logic (argument rules, file editing). It records what the CLI
/// sends and answers well-formed v2 ciphertexts; end-to-end tests use the real server instead.
/// </summary>
public sealed class FakeKamusClient : IKamusClient
{
    public List<(string Data, string ServiceAccount, string Namespace)> Encrypted { get; } = [];

    public List<IReadOnlyDictionary<string, string>> Batches { get; } = [];

    /// <summary>The contexts of each batch (null when none was asked for).</summary>
    public List<IReadOnlyDictionary<string, string>?> BatchContexts { get; } = [];

    public KamusException? Failure { get; set; }

    /// <summary>Replaces the answer to a plaintext (a broken or hostile server).</summary>
    public Func<string, string>? Answer { get; set; }

    /// <summary>Answers unbound values even when contexts are asked for (a server that predates them).</summary>
    public bool IgnoresContexts { get; set; }

    public Task<string> EncryptAsync(string data, string serviceAccount, string @namespace, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        Encrypted.Add((data, serviceAccount, @namespace));
        return Task.FromResult(Answer?.Invoke(data) ?? Ciphertext(Encrypted.Count));
    }

    public Task<IReadOnlyDictionary<string, string>> EncryptManyAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, CancellationToken cancellationToken = default) =>
        EncryptManyAsync(serviceAccount, @namespace, items, null, cancellationToken);

    public Task<IReadOnlyDictionary<string, string>> EncryptManyAsync(string serviceAccount, string @namespace, IReadOnlyDictionary<string, string> items, IReadOnlyDictionary<string, string>? contexts, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        Batches.Add(items);
        BatchContexts.Add(contexts);
        var n = 0;
        IReadOnlyDictionary<string, string> result = items.ToDictionary(
            i => i.Key,
            i => Answer?.Invoke(i.Value) ?? Ciphertext(++n, IgnoresContexts ? null : contexts?.GetValueOrDefault(i.Key)));
        return Task.FromResult(result);
    }

    public Task<string> DecryptAsync(string ciphertext, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<DecryptOutcome>> DecryptManyAsync(IReadOnlyList<string> ciphertexts, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <summary>A syntactically valid v2 value (the parser checks shape, not keys), bound to <paramref name="context"/> when given.</summary>
    public static string Ciphertext(int n, string? context = null)
    {
        var sealedBytes = new byte[40];
        sealedBytes[0] = (byte)n;
        return V2Layout.FormatValue("test", sealedBytes, context);
    }

    private void ThrowIfFailing()
    {
        if (Failure is not null)
        {
            throw Failure;
        }
    }
}
