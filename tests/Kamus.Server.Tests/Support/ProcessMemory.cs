using System.Globalization;

namespace Kamus.Server.Tests.Support;

/// <summary>
/// Searches this process's readable memory (every mapping of <c>/proc/self/maps</c>, through <c>/proc/self/mem</c>)
/// for a byte pattern held masked, so that the search itself never puts the pattern in memory.
/// </summary>
internal static class ProcessMemory
{
    private const int ChunkSize = 1 << 20;

    /// <summary>How many places hold <c>masked[i] ^ mask[i]</c>.</summary>
    public static int CountOccurrences(byte[] masked, byte[] mask)
    {
        var first = (byte)(masked[0] ^ mask[0]);
        var buffer = new byte[ChunkSize + masked.Length];
        var found = 0;
        using var memory = new FileStream("/proc/self/mem", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        foreach (var (start, end) in ReadableRegions())
        {
            for (var address = start; address < end; address += ChunkSize)
            {
                var length = (int)Math.Min(buffer.Length, end - address);
                int read;
                try
                {
                    memory.Position = address;
                    read = memory.Read(buffer, 0, length);
                }
                catch (IOException)
                {
                    break;
                }

                found += CountIn(buffer.AsSpan(0, read), first, masked, mask, limit: Math.Min(read, ChunkSize));
            }
        }

        return found;
    }

    // Matches starting before `limit` (the overlap belongs to the next chunk).
    private static int CountIn(ReadOnlySpan<byte> data, byte first, byte[] masked, byte[] mask, int limit)
    {
        var found = 0;
        var offset = 0;
        while (offset < limit)
        {
            var next = data[offset..limit].IndexOf(first);
            if (next < 0)
            {
                break;
            }

            var at = offset + next;
            if (at + masked.Length <= data.Length && Matches(data.Slice(at, masked.Length), masked, mask))
            {
                found++;
            }

            offset = at + 1;
        }

        return found;
    }

    private static bool Matches(ReadOnlySpan<byte> candidate, byte[] masked, byte[] mask)
    {
        for (var i = 0; i < candidate.Length; i++)
        {
            if ((byte)(candidate[i] ^ mask[i]) != masked[i])
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<(long Start, long End)> ReadableRegions()
    {
        foreach (var line in File.ReadAllLines("/proc/self/maps"))
        {
            var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 5 || parts[1][0] != 'r' || line.EndsWith("[vvar]", StringComparison.Ordinal) || line.EndsWith("[vsyscall]", StringComparison.Ordinal) || line.EndsWith("[vvar_vclock]", StringComparison.Ordinal))
            {
                continue;
            }

            var range = parts[0].Split('-');
            yield return (long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }
    }
}
