using System.Globalization;
using System.Text;

namespace Kamus.Cli.Json;

/// <summary>Writes a JSON string literal with only the escapes JSON requires, so ciphertexts stay readable ('+' and '/' unescaped).</summary>
internal static class JsonStringLiteral
{
    public static byte[] Encode(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                '\n' => builder.Append("\\n"),
                '\r' => builder.Append("\\r"),
                '\t' => builder.Append("\\t"),
                '\b' => builder.Append("\\b"),
                '\f' => builder.Append("\\f"),
                < ' ' => builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        return Encoding.UTF8.GetBytes(builder.Append('"').ToString());
    }
}
