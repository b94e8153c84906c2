using System.Buffers.Text;
using System.Text;

namespace Kamus.Reliability.Tests.Support;

/// <summary>Generates bad inputs from good ones: text edits, byte flips inside v2 parts, prefix swaps, random text.</summary>
public sealed class Mutator(Random random)
{
    private const string Base64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_";
    private const string Separators = ".:$=\\\"{}[] \t\r\n\0";
    private static readonly string[] Prefixes = ["k2.", "k2e.", "k2k.", "env$", "", "k2..", "k3.", "env$$", "kamus:"];
    private static readonly string[] Odd = ["\ud800", "\udfff", "é", "🔑", "\u202e", "\uffff", "\u0000", "％"];

    public Random Random { get; } = random;

    /// <summary>A mutation of <paramref name="original"/> that differs from it.</summary>
    public string Mutate(string original)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var mutated = Random.Next(10) switch
            {
                0 or 1 => ReplaceChar(original),
                2 => InsertChar(original),
                3 => DeleteChar(original),
                4 => Truncate(original),
                5 => SwapPrefix(original),
                6 or 7 => FlipBytesInV2Part(original) ?? ReplaceChar(original),
                8 => Splice(original),
                _ => RandomText(),
            };
            if (!string.Equals(mutated, original, StringComparison.Ordinal))
            {
                return mutated;
            }
        }

        return original + "A";
    }

    /// <summary>A byte-level change inside one base64url part of a v2 value, re-encoded canonically (so only the crypto can catch it).</summary>
    public string? FlipBytesInV2Part(string original)
    {
        if (!original.StartsWith("k2", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = original.Split('.');
        if (parts.Length < 3)
        {
            return null;
        }

        var index = 2 + Random.Next(parts.Length - 2);
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(parts[index]);
        }
        catch (FormatException)
        {
            return null;
        }

        if (bytes.Length == 0)
        {
            return null;
        }

        var flips = 1 + Random.Next(3);
        for (var i = 0; i < flips; i++)
        {
            bytes[Random.Next(bytes.Length)] ^= (byte)(1 << Random.Next(8));
        }

        parts[index] = Base64Url.EncodeToString(bytes);
        return string.Join('.', parts);
    }

    public string RandomText()
    {
        var length = Random.Next(6) == 0 ? Random.Next(2_000) : Random.Next(80);
        var text = new StringBuilder(Prefixes[Random.Next(Prefixes.Length)]);
        for (var i = 0; i < length; i++)
        {
            text.Append(RandomChar());
        }

        return text.ToString();
    }

    private string ReplaceChar(string s) => s.Length == 0 ? RandomText() : Set(s, Random.Next(s.Length), RandomChar());

    private string InsertChar(string s) => s.Insert(Random.Next(s.Length + 1), RandomChar());

    private string DeleteChar(string s) => s.Length == 0 ? s : s.Remove(Random.Next(s.Length), 1);

    private string Truncate(string s) => s[..Random.Next(s.Length)];

    private string SwapPrefix(string s)
    {
        var cut = s.IndexOfAny(['.', '$']);
        var rest = cut < 0 ? s : s[(cut + 1)..];
        return Prefixes[Random.Next(Prefixes.Length)] + rest;
    }

    private string Splice(string s)
    {
        if (s.Length < 2)
        {
            return s + s;
        }

        var start = Random.Next(s.Length);
        var length = Random.Next(s.Length - start);
        return Random.Next(2) == 0 ? s.Insert(Random.Next(s.Length), s.Substring(start, length)) : s.Remove(start, length);
    }

    private string RandomChar() => Random.Next(10) switch
    {
        < 6 => Base64Chars[Random.Next(Base64Chars.Length)].ToString(),
        < 8 => Separators[Random.Next(Separators.Length)].ToString(),
        8 => Odd[Random.Next(Odd.Length)],
        _ => ((char)Random.Next(0x20, 0x7f)).ToString(),
    };

    private static string Set(string s, int index, string value) => string.Concat(s.AsSpan(0, index), value, s.AsSpan(index + 1));
}
