using System.Collections.Concurrent;
using Kamus.Client;
using Kamus.Configuration;
using Kamus.Reliability.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Kamus.Reliability.Tests.Faults;

/// <summary>The pod's token file: missing, unreadable, or rotated (and the old tokens revoked) while the app decrypts.</summary>
public sealed class TokenFileTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kamus-rel-token-").FullName;
    private KamusSystem _system = null!;
    private string _ciphertext = null!;

    public async Task InitializeAsync()
    {
        // No review cache: a revoked token must be refused at once, as the TokenReview API would.
        _system = await KamusSystem.StartAsync(o => o.Settings["Kamus:ReviewCache:Enabled"] = "false");
        using var writer = _system.Client("unused");
        _ciphertext = await writer.EncryptAsync("token-file-secret", "app", "tokens");
    }

    public async Task DisposeAsync() => await _system.DisposeAsync();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("missing")]
    [InlineData("unreadable")]
    [InlineData("empty")]
    public void A_token_file_that_cannot_be_used_fails_AddKamus_naming_the_keys_and_the_path(string problem)
    {
        var path = Path.Combine(_folder, problem);
        if (problem == "unreadable")
        {
            // A directory where the file should be: unreadable even for root.
            Directory.CreateDirectory(path);
        }
        else if (problem == "empty")
        {
            File.WriteAllText(path, "  \n");
        }

        var builder = new ConfigurationBuilder();
        builder.AddInMemoryCollection(new Dictionary<string, string?> { ["Db:Password"] = "kamus:" + _ciphertext });
        builder.AddKamus(o =>
        {
            o.Url = _system.Url;
            o.TokenFilePath = path;
        });

        var error = Assert.Throws<KamusConfigurationException>(() => builder.Build());

        var failure = Assert.Single(error.Failures);
        Assert.Equal("Db:Password", failure.Key);
        Assert.Equal(KamusErrorKind.Configuration, failure.Kind);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _system.Host.RequestCount("/api/v2/decrypt"));
        Figures.Record(output, $"token file {problem}", error.Message.ReplaceLineEndings(" "));
    }

    [Fact]
    public async Task Tokens_rotated_and_revoked_mid_run_never_fail_a_decrypt()
    {
        var path = Path.Combine(_folder, "token");
        var tokens = new List<string> { _system.TokenFor("tokens", "app") };
        await File.WriteAllTextAsync(path, tokens[0]);
        using var client = _system.Client("unused", o =>
        {
            o.TokenSource = null;
            o.TokenFilePath = path;
        });

        using var stop = new CancellationTokenSource();
        var rotations = 0;
        var rotator = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(150);
                // As the kubelet does: a new token, written atomically; tokens two generations old are revoked.
                var next = _system.TokenFor("tokens", "app");
                var temporary = path + ".tmp";
                await File.WriteAllTextAsync(temporary, next);
                File.Move(temporary, path, overwrite: true);
                tokens.Add(next);
                if (tokens.Count > 2)
                {
                    _system.StandIn.RemoveToken(tokens[^3]);
                }

                rotations++;
            }
        });

        var decrypts = ReliabilityMode.Count(ci: 200, longMode: 5_000);
        var failures = new ConcurrentQueue<string>();
        await Parallel.ForAsync(0, decrypts, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (_, cancellationToken) =>
        {
            try
            {
                Assert.Equal("token-file-secret", await client.DecryptAsync(_ciphertext, cancellationToken));
            }
            catch (Exception e)
            {
                failures.Enqueue(e.Message);
            }
        });
        await stop.CancelAsync();
        await rotator;

        Figures.Record(output, "token rotated and revoked mid-run", $"{decrypts} decrypts, {rotations} rotations, {failures.Count} failures");
        Assert.True(failures.IsEmpty, string.Join('\n', failures.Take(5)));
        Assert.True(rotations >= 1);
    }
}
