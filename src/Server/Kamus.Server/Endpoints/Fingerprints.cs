using System.Text;
using Kamus.Wire.Formats;

namespace Kamus.Server.Endpoints;

/// <summary>The fingerprint list of a batch for the audit log, bounded in length.</summary>
internal static class Fingerprints
{
    private const int MaxListed = 16;

    public static string Of(IEnumerable<string?> ciphertexts)
    {
        var builder = new StringBuilder();
        var count = 0;
        foreach (var ciphertext in ciphertexts)
        {
            if (count < MaxListed)
            {
                if (count > 0)
                {
                    builder.Append(',');
                }

                builder.Append(CiphertextFingerprint.Of(ciphertext));
            }

            count++;
        }

        if (count > MaxListed)
        {
            builder.Append(",+").Append(count - MaxListed).Append(" more");
        }

        return count == 0 ? "-" : builder.ToString();
    }
}
