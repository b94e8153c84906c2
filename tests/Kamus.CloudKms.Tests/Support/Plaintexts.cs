namespace Kamus.CloudKms.Tests.Support;

/// <summary>The values the compatibility vectors are made of: short, unicode, and long (far above any single-call limit).</summary>
internal static class Plaintexts
{
    public const string Short = "pw-7Qx";

    public const string Unicode = "pässwörd-密码-пароль-🔐";

    public static readonly string Long = string.Concat(Enumerable.Range(0, 700).Select(i => $"line {i:D4} of a long secret;"));

    public static IEnumerable<string> All => [Short, Unicode, Long];
}
