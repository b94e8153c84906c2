using Kamus.Client;
using Kamus.Configuration.Testing;
using Kamus.Configuration.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Kamus.Configuration.Tests.Unit;

public sealed class ReloadTests
{
    private static InMemoryKamusClient Decryptor() => new InMemoryKamusClient()
        .Add("ct-1", "one").Add("ct-2", "two").Add("ct-3", "three")
        .Refuse("ct-bad", KamusErrorKind.Forbidden);

    private static (IConfigurationRoot Root, CountingSource Source, RecordingClient Client) Build(Action<KamusConfigurationOptions>? configure = null)
    {
        var source = new CountingSource(new Dictionary<string, string?> { ["A"] = "kamus:ct-1", ["B"] = "kamus:ct-2", ["Plain"] = "p" });
        var client = new RecordingClient(Decryptor());
        var builder = new ConfigurationBuilder();
        builder.Add(source);
        builder.AddKamus(o =>
        {
            o.Client = client;
            configure?.Invoke(o);
        });
        return (builder.Build(), source, client);
    }

    [Fact]
    public async Task A_reload_decrypts_only_the_new_or_changed_ciphertexts_and_signals_once()
    {
        var (root, source, client) = Build();
        var reloads = 0;
        using var counting = Reloads.Count(root, () => Interlocked.Increment(ref reloads));
        var next = Reloads.Next(root);

        source.Change(new Dictionary<string, string?> { ["B"] = "kamus:ct-3", ["C"] = "kamus:ct-1" });
        await next.WaitAsync(Reloads.Patience);

        Assert.Equal(2, client.Batches.Count);
        Assert.Equal(["ct-3"], client.Batches[1]); // ct-1 (A, and now C) comes from the cache
        Assert.Equal("one", root["A"]);
        Assert.Equal("three", root["B"]);
        Assert.Equal("one", root["C"]);
        Assert.Equal(1, Volatile.Read(ref reloads));
    }

    [Fact]
    public async Task A_reload_that_changes_nothing_costs_no_call_and_raises_no_reload()
    {
        var (root, source, client) = Build();
        var provider = root.Providers.OfType<KamusConfigurationProvider>().Single();
        var reloads = 0;
        using var counting = Reloads.Count(root, () => Interlocked.Increment(ref reloads));

        // An unchanged reload, then a real change: when the change is seen, the first one was processed before it.
        source.Change(new Dictionary<string, string?>());
        var next = Reloads.Next(root);
        source.Change(new Dictionary<string, string?> { ["Plain"] = "q" });
        await next.WaitAsync(Reloads.Patience);

        Assert.Single(client.Batches);
        Assert.Equal(1, Volatile.Read(ref reloads));
        Assert.Equal("q", root["Plain"]);
        Assert.Equal(2, provider.DecryptedKeys.Count);
    }

    [Fact]
    public async Task A_failure_on_reload_keeps_the_last_good_plaintext_and_reports_through_the_hook()
    {
        var hooked = new TaskCompletionSource<KamusLoadExceptionContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (root, source, _) = Build(o => o.OnLoadException = context => hooked.TrySetResult(context));

        source.Change(new Dictionary<string, string?> { ["A"] = "kamus:ct-bad", ["D"] = "kamus:ct-bad" });
        var context = await hooked.Task.WaitAsync(Reloads.Patience);

        Assert.True(context.Reload);
        Assert.Equal(["A", "D"], context.Exception.Failures.Select(f => f.Key).Order(StringComparer.Ordinal));
        Assert.Equal("one", root["A"]); // last good
        Assert.Null(root["D"]); // never had a good value
    }

    [Fact]
    public async Task A_throwing_hook_on_reload_escapes_nowhere()
    {
        var (root, source, _) = Build(o => o.OnLoadException = context => throw new InvalidOperationException("hook bug"));
        var next = Reloads.Next(root);

        source.Change(new Dictionary<string, string?> { ["A"] = "kamus:ct-bad", ["B"] = "kamus:ct-3" });
        await next.WaitAsync(Reloads.Patience);

        Assert.Equal("one", root["A"]);
        Assert.Equal("three", root["B"]);
    }

    [Fact]
    public async Task IOptionsMonitor_sees_reloaded_plaintexts()
    {
        var (root, source, _) = Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(root)
            .AddOptions<Pair>().BindConfiguration(string.Empty).Services
            .BuildServiceProvider();
        var monitor = services.GetRequiredService<IOptionsMonitor<Pair>>();
        Assert.Equal("two", monitor.CurrentValue.B);
        var changed = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listening = monitor.OnChange(value => changed.TrySetResult(value.B));

        source.Change(new Dictionary<string, string?> { ["B"] = "kamus:ct-3" });

        Assert.Equal("three", await changed.Task.WaitAsync(Reloads.Patience));
        Assert.Equal("three", monitor.CurrentValue.B);
    }

    public sealed class Pair
    {
        public string? A { get; set; }

        public string? B { get; set; }
    }
}
