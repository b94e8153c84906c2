using System.Text;

namespace Kamus.Configuration;

/// <summary>
/// Thrown by <c>Build()</c> when configuration values could not be decrypted. Lists every failed key with its reason,
/// never a value.
/// </summary>
public sealed class KamusConfigurationException : Exception
{
    /// <summary>Creates an exception listing <paramref name="failures"/>.</summary>
    /// <param name="failures">The keys that failed.</param>
    /// <param name="detail">An extra, value-free explanation (for example why the client could not be used at all).</param>
    /// <param name="innerException">The underlying failure, when there was one for every key.</param>
    public KamusConfigurationException(IReadOnlyList<KamusDecryptionFailure> failures, string? detail = null, Exception? innerException = null)
        : base(Format(failures ?? throw new ArgumentNullException(nameof(failures)), detail), innerException)
    {
        Failures = failures;
    }

    /// <summary>Every key that could not be decrypted, in configuration order.</summary>
    public IReadOnlyList<KamusDecryptionFailure> Failures { get; }

    private static string Format(IReadOnlyList<KamusDecryptionFailure> failures, string? detail)
    {
        var text = new StringBuilder();
        text.Append("Kamus could not decrypt ").Append(failures.Count)
            .Append(failures.Count == 1 ? " configuration value" : " configuration values");
        if (!string.IsNullOrEmpty(detail))
        {
            text.Append(" (").Append(detail).Append(')');
        }

        text.Append(':');
        foreach (var failure in failures)
        {
            text.AppendLine().Append("  ").Append(failure);
        }

        return text.ToString();
    }
}
