namespace Kamus.Testing.Kubernetes;

/// <summary>How the stand-in's watches behave.</summary>
public sealed class WatchOptions
{
    /// <summary>
    /// How often an idle watch that allows bookmarks gets a <c>BOOKMARK</c> (the real API server sends one about every
    /// minute). Default one minute; tests can also send them at will with <see cref="ObjectStore.SendBookmarks"/>.
    /// </summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromMinutes(1);
}
