using Kamus.Client.Tokens;
using Kamus.Testing;

namespace Kamus.Client.Tests.Server;

public sealed class TokenRotationTests : IAsyncLifetime, IDisposable
{
    private readonly ServerTestContext _server = new();
    private readonly TempDirectory _dir = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_401_re_reads_the_token_file_and_retries_once()
    {
        var vector = CompatVectors.All.First(v => v.Namespace == "team-a" && !v.IsEnvelope);
        var path = _dir.File("token");
        const string Stale = "stale-token-abcdefghijklmnopqrstuv";
        const string Fresh = "fresh-token-abcdefghijklmnopqrstuv";
        Assert.Equal(Stale.Length, Fresh.Length);
        _server.Host.StandIn.AddToken(Fresh, "team-a", "api");
        await File.WriteAllTextAsync(path, Stale);
        var stamp = File.GetLastWriteTimeUtc(path);
        var options = ServerTestContext.Options(_server.Host.Url);
        options.TokenSource = null;
        options.TokenFilePath = path;
        using var client = new KamusClient(options);

        var refused = await client.DecryptManyAsync([vector.Ciphertext]);
        Assert.Equal(KamusErrorKind.Unauthorized, refused[0].ErrorKind);
        Assert.Equal(2, _server.Host.RequestCount("/api/v2/decrypt")); // the 401 got exactly one retry

        // The token file is replaced mid-run; its size and write time look the same, so only the 401 makes the client re-read it.
        await File.WriteAllTextAsync(path, Fresh);
        File.SetLastWriteTimeUtc(path, stamp);
        _server.Host.ResetCounts();

        Assert.Equal(vector.Plaintext, await client.DecryptAsync(vector.Ciphertext));
        Assert.Equal(2, _server.Host.RequestCount("/api/v2/decrypt"));
    }

    [Fact]
    public async Task A_rotated_token_file_is_picked_up_without_a_401()
    {
        var vector = CompatVectors.All.First(v => v.Namespace == "team-a" && !v.IsEnvelope);
        var path = _dir.File("token");
        await File.WriteAllTextAsync(path, ServerTestContext.TeamAToken);
        using var source = new FileTokenSource(path);
        var options = ServerTestContext.Options(_server.Host.Url);
        options.TokenSource = source;
        using var client = new KamusClient(options);
        Assert.Equal(vector.Plaintext, await client.DecryptAsync(vector.Ciphertext));

        const string Rotated = "rotated-token-for-team-a-api";
        _server.Host.StandIn.AddToken(Rotated, "team-a", "api");
        var next = _dir.File("token.new");
        await File.WriteAllTextAsync(next, Rotated);
        File.Move(next, path, overwrite: true);
        _server.Host.ResetCounts();

        Assert.Equal(vector.Plaintext, await client.DecryptAsync(vector.Ciphertext));
        Assert.Equal(Rotated, await source.GetTokenAsync());
        Assert.Equal(1, _server.Host.RequestCount("/api/v2/decrypt"));
    }
}
