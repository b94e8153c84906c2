using Kamus.Client.Diagnostics;
using Kamus.Wire.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kamus.Client.Tokens;

/// <summary>
/// Reads the service-account token from a file (the kubelet-mounted token, or a projected audience-bound one) and keeps
/// it in memory. It reads the file again when the file changes (write time or size), when the token reaches 80% of
/// its lifetime (its <c>exp</c> claim; the kubelet rotates projected tokens then), after <see cref="Invalidate"/>,
/// and otherwise at most once per <see cref="MaxAge"/>.
/// </summary>
public sealed class FileTokenSource : ITokenSource, IDisposable
{
    /// <summary>The longest a token is used without reading the file again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TokenCache<CachedToken> _cache;

    /// <summary>Creates a source for <paramref name="path"/>; when it is <see langword="null"/>: <c>TOKEN_FILE_PATH</c>, else the default service-account token path.</summary>
    public FileTokenSource(string? path = null, TimeProvider? timeProvider = null, ILogger<FileTokenSource>? logger = null)
        : this(logger, path, timeProvider)
    {
    }

    // Any logger (the client's own has a string category: no Logger<T>, whose name is built by reflection at startup).
    private FileTokenSource(ILogger? logger, string? path, TimeProvider? timeProvider)
    {
        Path = string.IsNullOrWhiteSpace(path) ? KamusClientOptions.EnvironmentTokenFilePath() : path;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _cache = new(IsFresh, ReadAsync);
    }

    /// <summary>A source for the client, logging to <paramref name="logger"/> (or nowhere).</summary>
    internal static FileTokenSource Create(string path, TimeProvider timeProvider, ILogger? logger) => new(logger, path, timeProvider);

    /// <summary>The token file (a path, not a secret).</summary>
    public string Path { get; }

    /// <inheritdoc />
    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken = default) =>
        (await _cache.GetAsync(cancellationToken).ConfigureAwait(false)).Token;

    /// <inheritdoc />
    public void Invalidate() => _cache.Invalidate();

    /// <summary>Names the file, never the token.</summary>
    public override string ToString() => $"FileTokenSource({Path})";

    /// <summary>Forgets the token.</summary>
    public void Dispose() => _cache.Dispose();

    private bool IsFresh(CachedToken cached)
    {
        var now = _time.GetUtcNow();
        if (now >= cached.RereadAt)
        {
            return false;
        }

        var (writeTime, length) = Stat();
        return writeTime == cached.WriteTime && length == cached.Length;
    }

    private (DateTime WriteTime, long Length) Stat()
    {
        try
        {
            var info = new FileInfo(Path);
            return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (default, -1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (default, -1);
        }
    }

    private async Task<CachedToken> ReadAsync(CancellationToken cancellationToken)
    {
        var (writeTime, length) = Stat();
        string token;
        try
        {
            token = (await File.ReadAllTextAsync(Path, cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The exception names only the path and the reason, never file contents.
            throw new KamusException(KamusErrorKind.Configuration, $"The service-account token file '{Path}' cannot be read ({e.GetType().Name}). Set TokenFilePath or {KamusClientOptions.TokenFilePathVariable}, or mount the token.", innerException: e);
        }

        if (token.Length == 0)
        {
            throw new KamusException(KamusErrorKind.Configuration, $"The service-account token file '{Path}' is empty.");
        }

        var now = _time.GetUtcNow();
        var rereadAt = now + MaxAge;
        DateTimeOffset? expiry = null;
        if (JwtPayload.TryReadLifetime(token, out var issuedAt, out var expiresAt))
        {
            expiry = expiresAt;
            var refreshAt = JwtLifetime.RefreshAt(issuedAt, expiresAt, now);
            if (refreshAt < rereadAt)
            {
                rereadAt = refreshAt;
            }
        }

        KamusClientLog.TokenRead(_logger, Path, expiry);
        return new CachedToken(token, writeTime, length, rereadAt);
    }

    private sealed record CachedToken(string Token, DateTime WriteTime, long Length, DateTimeOffset RereadAt)
    {
        public override string ToString() => "CachedToken(redacted)";
    }
}
