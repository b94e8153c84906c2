using Kamus.Client.Tests.Support;
using Kamus.Client.Tokens;
using Kamus.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Kamus.Client.Tests.Tokens;

public sealed class FileTokenSourceTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(Start);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Reads_and_trims_the_token()
    {
        var path = _dir.File("token");
        await File.WriteAllTextAsync(path, "  token-one\n");
        using var source = new FileTokenSource(path, _time);

        Assert.Equal("token-one", await source.GetTokenAsync());
    }

    [Fact]
    public async Task Re_reads_when_the_file_is_replaced()
    {
        var path = _dir.File("token");
        await File.WriteAllTextAsync(path, "token-one");
        using var source = new FileTokenSource(path, _time);
        Assert.Equal("token-one", await source.GetTokenAsync());

        // Kubelet-style replacement: a new file moved over the old one (new size and write time).
        var next = _dir.File("token.new");
        await File.WriteAllTextAsync(next, "token-number-two");
        File.Move(next, path, overwrite: true);

        Assert.Equal("token-number-two", await source.GetTokenAsync());
    }

    [Fact]
    public async Task Keeps_the_token_for_a_minute_when_the_file_looks_unchanged_then_re_reads()
    {
        var path = _dir.File("token");
        await File.WriteAllTextAsync(path, "token-AAA");
        var stamp = File.GetLastWriteTimeUtc(path);
        using var source = new FileTokenSource(path, _time);
        Assert.Equal("token-AAA", await source.GetTokenAsync());

        await RewriteKeepingStat(path, "token-BBB", stamp);
        Assert.Equal("token-AAA", await source.GetTokenAsync());

        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("token-BBB", await source.GetTokenAsync());
    }

    [Fact]
    public async Task Re_reads_at_80_percent_of_the_jwt_lifetime()
    {
        var path = _dir.File("token");
        var first = Jwt.Make(Start, Start.AddSeconds(50));
        var second = Jwt.Make(Start.AddSeconds(40), Start.AddSeconds(90));
        Assert.Equal(first.Length, second.Length);
        await File.WriteAllTextAsync(path, first);
        var stamp = File.GetLastWriteTimeUtc(path);
        using var source = new FileTokenSource(path, _time);
        Assert.Equal(first, await source.GetTokenAsync());

        await RewriteKeepingStat(path, second, stamp);
        _time.Advance(TimeSpan.FromSeconds(39));
        Assert.Equal(first, await source.GetTokenAsync());

        _time.Advance(TimeSpan.FromSeconds(2)); // 41 s of 50: past 80%, well before the one-minute cap
        Assert.Equal(second, await source.GetTokenAsync());
    }

    [Fact]
    public async Task Invalidate_forces_a_re_read()
    {
        var path = _dir.File("token");
        await File.WriteAllTextAsync(path, "token-AAA");
        var stamp = File.GetLastWriteTimeUtc(path);
        using var source = new FileTokenSource(path, _time);
        Assert.Equal("token-AAA", await source.GetTokenAsync());
        await RewriteKeepingStat(path, "token-BBB", stamp);

        source.Invalidate();

        Assert.Equal("token-BBB", await source.GetTokenAsync());
    }

    [Fact]
    public async Task A_missing_file_is_a_configuration_error_naming_the_path()
    {
        var path = _dir.File("missing");
        using var source = new FileTokenSource(path, _time);

        var error = await Assert.ThrowsAsync<KamusException>(() => source.GetTokenAsync().AsTask());

        Assert.Equal(KamusErrorKind.Configuration, error.Kind);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_file_is_a_configuration_error()
    {
        var path = _dir.File("token");
        await File.WriteAllTextAsync(path, " \n");
        using var source = new FileTokenSource(path, _time);

        var error = await Assert.ThrowsAsync<KamusException>(() => source.GetTokenAsync().AsTask());
        Assert.Equal(KamusErrorKind.Configuration, error.Kind);
    }

    [Fact]
    public async Task ToString_never_shows_the_token()
    {
        var path = _dir.File("token");
        await File.WriteAllTextAsync(path, "very-secret-token");
        using var source = new FileTokenSource(path, _time);
        await source.GetTokenAsync();

        Assert.DoesNotContain("very-secret-token", source.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-token", new StaticTokenSource("very-secret-token").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_configured_path_wins()
    {
        var options = new KamusClientOptions { TokenFilePath = "/var/run/secrets/kamus/token" };
        Assert.Equal("/var/run/secrets/kamus/token", options.ResolveTokenFilePath());
    }

    private static async Task RewriteKeepingStat(string path, string content, DateTime stamp)
    {
        await File.WriteAllTextAsync(path, content);
        File.SetLastWriteTimeUtc(path, stamp);
    }
}
