using Microsoft.Extensions.Configuration;

namespace Kamus.Configuration.Tests.Support;

/// <summary>An in-memory source that counts builds, loads and disposals, and can change its values and signal a reload.</summary>
public sealed class CountingSource : IConfigurationSource
{
    private readonly Dictionary<string, string?> _values;
    private readonly List<Provider> _providers = [];

    public CountingSource(IDictionary<string, string?> values) => _values = new(values, StringComparer.OrdinalIgnoreCase);

    public int Builds { get; private set; }

    private int _loads;
    private int _disposals;

    public int Loads => Volatile.Read(ref _loads);

    public int Disposals => Volatile.Read(ref _disposals);

    public IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        Builds++;
        var provider = new Provider(this);
        lock (_providers)
        {
            _providers.Add(provider);
        }

        return provider;
    }

    /// <summary>Changes values and signals a reload, as a file provider does when its file changes.</summary>
    public void Change(IDictionary<string, string?> values)
    {
        lock (_values)
        {
            foreach (var (key, value) in values)
            {
                if (value is null)
                {
                    _values.Remove(key);
                }
                else
                {
                    _values[key] = value;
                }
            }
        }

        Provider[] live;
        lock (_providers)
        {
            live = [.. _providers.Where(p => !p.Disposed)];
        }

        foreach (var provider in live)
        {
            provider.Reload();
        }
    }

    private sealed class Provider(CountingSource source) : ConfigurationProvider, IDisposable
    {
        public bool Disposed { get; private set; }

        public override void Load()
        {
            Interlocked.Increment(ref source._loads);
            lock (source._values)
            {
                Data = new Dictionary<string, string?>(source._values, StringComparer.OrdinalIgnoreCase);
            }
        }

        public void Reload()
        {
            Load();
            OnReload();
        }

        public void Dispose()
        {
            Disposed = true;
            Interlocked.Increment(ref source._disposals);
        }
    }
}
