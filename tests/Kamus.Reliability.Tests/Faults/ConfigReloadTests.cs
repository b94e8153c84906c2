using System.Collections.Concurrent;
using Kamus.Reliability.Tests.Support;
using Kamus.Testing;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Testing;

namespace Kamus.Reliability.Tests.Faults;

/// <summary>
/// appsettings.json with reloadOnChange under AddKamus, against the real server: edited into invalid JSON, then to a
/// value this account may not decrypt, then to a good new value. The last good values stay until the good edit arrives,
/// and nothing thrown by Kamus escapes a background callback.
/// </summary>
public sealed class ConfigReloadTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kamus-rel-reload-").FullName;
    private readonly ConcurrentQueue<Exception> _unobserved = new();
    private KamusSystem _system = null!;

    public async Task InitializeAsync()
    {
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        _system = await KamusSystem.StartAsync();
    }

    public async Task DisposeAsync()
    {
        TaskScheduler.UnobservedTaskException -= OnUnobserved;
        await _system.DisposeAsync();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Invalid_json_and_undecryptable_edits_keep_the_last_good_values_and_a_good_edit_is_picked_up()
    {
        var token = _system.TokenFor("shop", "orders");
        using var writer = _system.Client(token);
        var first = await writer.EncryptAsync("first-password", "orders", "shop");
        var second = await writer.EncryptAsync("second-password", "orders", "shop");
        var foreign = await writer.EncryptAsync("billing-password", "billing", "shop");
        var file = Path.Combine(_folder, "appsettings.json");
        await File.WriteAllTextAsync(file, Json(first, "one"));

        var jsonFailures = 0;
        var logs = new FakeLogCollector();
        using var loggerFactory = logs.CreateLoggerFactory();
        var builder = new ConfigurationBuilder();
        builder.Add<JsonConfigurationSource>(s =>
        {
            s.Path = file;
            s.ReloadOnChange = true;
            s.ReloadDelay = 50;
            s.ResolveFileProvider();
            s.OnLoadException = _ => Interlocked.Increment(ref jsonFailures);
        });
        builder.AddKamus(o =>
        {
            o.Url = _system.Url;
            o.TokenSource = new Kamus.Client.Tokens.StaticTokenSource(token);
            o.LoggerFactory = loggerFactory;
        });
        var configuration = builder.Build();
        Assert.Equal("first-password", configuration["Db:Password"]);

        // 1. Invalid JSON: the JSON provider fails its reload; Kamus keeps serving the last good values.
        await File.WriteAllTextAsync(file, "{ \"Db\": { \"Password\": \"kamus:" + first[..10]);
        await Eventually(() => Volatile.Read(ref jsonFailures) > 0);
        Assert.Equal("first-password", configuration["Db:Password"]);
        Assert.Equal("one", configuration["Plain"]);

        // 2. Valid JSON, but a value for another service account: refused, the last good plaintext stays.
        await File.WriteAllTextAsync(file, Json(foreign, "two"));
        await Eventually(() => configuration["Plain"] == "two");
        Assert.Equal("first-password", configuration["Db:Password"]);
        Assert.Contains(logs.Lines(), l => l.Contains("Db:Password", StringComparison.Ordinal) && l.Contains("Forbidden", StringComparison.Ordinal));

        // 3. A good edit is picked up: the watcher survived both failures.
        await File.WriteAllTextAsync(file, Json(second, "three"));
        await Eventually(() => configuration["Db:Password"] == "second-password");
        Assert.Equal("three", configuration["Plain"]);

        (configuration as IDisposable)?.Dispose();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var fromKamus = _unobserved.Where(e => e.ToString().Contains(" Kamus.Configuration.", StringComparison.Ordinal) || e.ToString().Contains(" Kamus.Client.", StringComparison.Ordinal)).ToList();
        Assert.Empty(fromKamus);
        Assert.DoesNotContain("first-password", logs.AllText(), StringComparison.Ordinal);
        Assert.DoesNotContain("billing-password", logs.AllText(), StringComparison.Ordinal);
        Figures.Record(output, "config edited into invalid JSON / undecryptable value during reload", $"last good kept both times, good edit picked up; JSON provider reload failures seen {jsonFailures}; unobserved exceptions from Kamus code {fromKamus.Count}");
    }

    private static string Json(string ciphertext, string plain) =>
        "{ \"Db\": { \"Password\": \"kamus:" + ciphertext + "\" }, \"Plain\": \"" + plain + "\" }";

    private void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => _unobserved.Enqueue(e.Exception);

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the change was never seen");
            await Task.Delay(50);
        }
    }
}
