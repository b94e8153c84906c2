using Kamus.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Kamus.Configuration.Internal;

/// <summary>
/// The files of <c>AddKamusFiles</c>: a file larger than <see cref="MaxFileBytes"/> is refused before a byte of it is
/// read (a ciphertext is never that long; a mount that holds something else must not be loaded into memory whole).
/// </summary>
internal sealed class SizeLimitedFileProvider(IFileProvider inner) : IFileProvider
{
    /// <summary>The largest file read: the longest ciphertext the parser accepts, with room for surrounding whitespace.</summary>
    public const long MaxFileBytes = Kamus.Wire.Formats.CiphertextParser.MaxLength + 64;

    public IDirectoryContents GetDirectoryContents(string subpath) => new Contents(inner.GetDirectoryContents(subpath));

    public IFileInfo GetFileInfo(string subpath) => new LimitedFile(inner.GetFileInfo(subpath));

    public IChangeToken Watch(string filter) => inner.Watch(filter);

    private sealed class Contents(IDirectoryContents inner) : IDirectoryContents
    {
        public bool Exists => inner.Exists;

        public IEnumerator<IFileInfo> GetEnumerator() => inner.Select(file => (IFileInfo)new LimitedFile(file)).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class LimitedFile(IFileInfo inner) : IFileInfo
    {
        public bool Exists => inner.Exists;

        public long Length => inner.Length;

        public string? PhysicalPath => inner.PhysicalPath;

        public string Name => inner.Name;

        public DateTimeOffset LastModified => inner.LastModified;

        public bool IsDirectory => inner.IsDirectory;

        /// <exception cref="KamusConfigurationException">The file is over <see cref="MaxFileBytes"/> (it names the key, with <see cref="KamusErrorKind.PayloadTooLarge"/>).</exception>
        public Stream CreateReadStream()
        {
            if (!inner.IsDirectory && inner.Length > MaxFileBytes)
            {
                var key = inner.Name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
                var reason = $"the file {inner.Name} is {inner.Length} bytes, over the {MaxFileBytes}-byte limit of a ciphertext file, and was not read";
                throw new KamusConfigurationException([new KamusDecryptionFailure(key, KamusErrorKind.PayloadTooLarge, "(not read)", reason)]);
            }

            return inner.CreateReadStream();
        }
    }
}
