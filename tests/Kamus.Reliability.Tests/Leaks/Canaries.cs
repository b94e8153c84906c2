using System.Buffers.Text;
using System.Text;

namespace Kamus.Reliability.Tests.Leaks;

/// <summary>Distinctive secrets and every text form they could leak in: as is, base64, base64url and hex.</summary>
public sealed class Canaries
{
    private readonly List<(string What, string Form)> _forms = [];

    public void AddText(string what, string secret) => AddBytes(what, Encoding.UTF8.GetBytes(secret), secret);

    public void AddBytes(string what, byte[] secret, string? asText = null)
    {
        if (asText is not null)
        {
            _forms.Add((what, asText));
        }

        _forms.Add((what + " (base64)", Convert.ToBase64String(secret)));
        _forms.Add((what + " (base64 unpadded)", Convert.ToBase64String(secret).TrimEnd('=')));
        _forms.Add((what + " (base64url)", Base64Url.EncodeToString(secret)));
        _forms.Add((what + " (hex)", Convert.ToHexStringLower(secret)));
        _forms.Add((what + " (HEX)", Convert.ToHexString(secret)));
    }

    public int Count => _forms.Count;

    /// <summary>Every canary form found in <paramref name="text"/>, named with <paramref name="where"/>.</summary>
    public IEnumerable<string> FindIn(string where, string text) =>
        _forms.Where(f => f.Form.Length >= 12 && text.Contains(f.Form, StringComparison.Ordinal)).Select(f => $"{f.What} in {where}");
}
