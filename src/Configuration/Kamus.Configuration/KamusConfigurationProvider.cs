using Kamus.Client;
using Kamus.Configuration.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Kamus.Configuration;

/// <summary>
/// Serves the values of the wrapped providers with every encrypted value replaced by its plaintext, decrypted in one
/// pass at load and only for new or changed ciphertexts on reload. Plaintext lives only in this provider's data.
/// </summary>
public sealed class KamusConfigurationProvider : ConfigurationProvider, IDisposable
{
    private const int KeysLogged = 20;

    private readonly KamusConfigurationSource _source;
    private readonly IConfigurationProvider[] _providers;
    private readonly Func<string, string?>? _settingsFallback;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<IDisposable> _registrations = [];

    // Ciphertext -> plaintext of the values currently served, so a reload decrypts only what is new or changed.
    private Dictionary<string, string> _cache = new(StringComparer.Ordinal);
    private HashSet<string> _decryptedKeys = new(StringComparer.OrdinalIgnoreCase);
    private List<KamusDecryptionFailure> _failures = [];
    private KamusSettings? _settings;
    private IKamusClient? _client;
    private bool _ownsClient;
    private bool _loaded;
    private volatile bool _disposed;
    private int _refreshQueued;

    internal KamusConfigurationProvider(KamusConfigurationSource source, IConfigurationProvider[] providers, Func<string, string?>? settingsFallback)
    {
        _source = source;
        _providers = providers;
        _settingsFallback = settingsFallback;
        // A string category, not CreateLogger<T>: a Logger<T> builds the same name by reflection, a cold-start cost.
        _logger = (source.Options.LoggerFactory ?? Diagnostics.StandardErrorLoggerFactory.Instance).CreateLogger(typeof(KamusConfigurationProvider).FullName!);
    }

    /// <summary>The configuration keys whose values are currently decrypted plaintexts (names only).</summary>
    public IReadOnlyCollection<string> DecryptedKeys => _decryptedKeys;

    /// <summary>The marker this provider recognises.</summary>
    internal string Marker => _source.Options.MarkerPrefix;

    /// <summary>The keys that could not be decrypted at the last load or reload (empty when all succeeded).</summary>
    public IReadOnlyList<KamusDecryptionFailure> Failures => _failures;

    /// <summary>
    /// Loads every wrapped provider, then decrypts every encrypted value in one pass. The first load throws a
    /// <see cref="KamusConfigurationException"/> listing every failed key, unless the provider is optional or
    /// <see cref="KamusConfigurationOptions.OnLoadException"/> ignores it. Later loads keep the last good values.
    /// </summary>
    public override void Load()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_gate)
        {
            foreach (var provider in _providers)
            {
                provider.Load();
            }

            Refresh();
            if (_registrations.Count == 0)
            {
                // Registered after the first load: the wrapped providers' own first loads need no refresh.
                foreach (var provider in _providers)
                {
                    _registrations.Add(ChangeToken.OnChange(provider.GetReloadToken, OnWrappedProviderReloaded));
                }
            }
        }
    }

    /// <summary>Releases the reload registrations, the wrapped providers, the client it created and every plaintext.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var registration in _registrations)
            {
                registration.Dispose();
            }

            _registrations.Clear();
            foreach (var provider in _providers)
            {
                (provider as IDisposable)?.Dispose();
            }

            if (_ownsClient)
            {
                (_client as IDisposable)?.Dispose();
            }

            _client = null;
            _cache = new(StringComparer.Ordinal);
            _decryptedKeys = new(StringComparer.OrdinalIgnoreCase);
            Data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>Names the provider and counts, never values.</summary>
    public override string ToString() =>
        $"{nameof(KamusConfigurationProvider)} ({_providers.Length} wrapped sources, {_decryptedKeys.Count} decrypted keys, {_failures.Count} failed)";

    private void OnWrappedProviderReloaded()
    {
        // Coalesce bursts of change notifications into one background refresh; never block the notifying thread.
        if (_disposed || Interlocked.Exchange(ref _refreshQueued, 1) == 1)
        {
            return;
        }

        _ = Task.Run(RefreshInBackground);
    }

    private void RefreshInBackground()
    {
        try
        {
            lock (_gate)
            {
                Volatile.Write(ref _refreshQueued, 0);
                if (!_disposed && _loaded)
                {
                    Refresh();
                }
            }
        }
        catch (Exception exception)
        {
            // Nothing may escape a background callback: the configuration keeps its last good values.
            KamusConfigurationLog.ReloadCrashed(_logger, exception);
        }
    }

    // Called under _gate. The first load may throw; reloads never do.
    private void Refresh()
    {
        var reload = _loaded;
        using var activity = KamusConfigurationTelemetry.ActivitySource.StartActivity(reload ? "Kamus.Configuration.Reload" : "Kamus.Configuration.Load");
        var merged = ConfigurationFlattener.Flatten(_providers);
        _settings ??= KamusSettings.Resolve(_source.Options, key => merged.GetValueOrDefault(key) ?? _settingsFallback?.Invoke(key));

        var encrypted = FindEncrypted(merged, out var misplaced);
        var fresh = DecryptNew(encrypted, out var batchError);
        var next = Compose(merged, encrypted, misplaced, fresh, reload);
        if (next.Failures.Count > 0)
        {
            ReportFailures(next.Failures, batchError ?? OutageOf(fresh.Values), reload);
        }

        Publish(next, reload, fresh.Count);
        activity?.SetTag("kamus.configuration.encrypted", encrypted.Count);
        activity?.SetTag("kamus.configuration.remote", fresh.Count);
        activity?.SetTag("kamus.configuration.failed", next.Failures.Count);
    }

    // Step 1: the keys whose values carry the marker (or every value, for AddKamusFiles), with their ciphertexts; values
    // bound to another key are set apart, unsent.
    private List<KeyValuePair<string, string>> FindEncrypted(Dictionary<string, string?> merged, out List<KamusDecryptionFailure> misplaced)
    {
        var encrypted = new List<KeyValuePair<string, string>>();
        misplaced = [];
        foreach (var (key, value) in merged)
        {
            if (_source.EveryValueIsCiphertext ? TryTrim(value, out var ciphertext) : EncryptedValue.TryGetCiphertext(value, _source.Options.MarkerPrefix, out ciphertext))
            {
                if (BoundValue.Misplaced(key, ciphertext) is { } failure)
                {
                    misplaced.Add(failure);
                }
                else
                {
                    encrypted.Add(new(key, ciphertext));
                }
            }
        }

        return encrypted;
    }

    // Step 2: decrypt, in one pass, the distinct ciphertexts not already served.
    private Dictionary<string, DecryptOutcome> DecryptNew(List<KeyValuePair<string, string>> encrypted, out KamusException? batchError)
    {
        batchError = null;
        // A loop, not Select/Where/Distinct over key-value pairs: generic code a cold start would compile just for this.
        var missing = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < encrypted.Count; i++)
        {
            var ciphertext = encrypted[i].Value;
            if (!_cache.ContainsKey(ciphertext) && seen.Add(ciphertext))
            {
                missing.Add(ciphertext);
            }
        }

        var fresh = new Dictionary<string, DecryptOutcome>(missing.Count, StringComparer.Ordinal);
        if (missing.Count == 0)
        {
            return fresh;
        }

        IReadOnlyList<DecryptOutcome> outcomes;
        try
        {
            outcomes = DecryptionPass.Run(GetClient(), missing, _settings!.TotalTimeout, out batchError);
        }
        catch (Exception exception) when (exception is KamusException or ArgumentException or InvalidOperationException)
        {
            // The client could not even be created (no URL, unreadable settings): every value fails the same way.
            batchError = exception as KamusException ?? new KamusException(KamusErrorKind.Configuration, exception.Message, innerException: exception);
            outcomes = DecryptionPass.FailAll(missing, batchError);
        }

        for (var i = 0; i < missing.Count; i++)
        {
            fresh[missing[i]] = outcomes[i];
            if (KamusConfigurationTelemetry.Decryptions.Enabled)
            {
                KamusConfigurationTelemetry.Decryptions.Add(1, new KeyValuePair<string, object?>("outcome", outcomes[i].ErrorKind?.ToString() ?? "success"));
            }
        }

        return fresh;
    }

    // Step 3: the next data: plaintexts in place of ciphertexts; a failed key keeps its last good value on reload,
    // and is otherwise left out (never served as the ciphertext).
    private Snapshot Compose(Dictionary<string, string?> merged, List<KeyValuePair<string, string>> encrypted, List<KamusDecryptionFailure> misplaced, Dictionary<string, DecryptOutcome> fresh, bool reload)
    {
        var next = new Snapshot(new Dictionary<string, string?>(merged, StringComparer.OrdinalIgnoreCase));
        foreach (var (key, ciphertext) in encrypted)
        {
            if (_cache.TryGetValue(ciphertext, out var plaintext) || fresh[ciphertext] is { Succeeded: true } outcome && (plaintext = outcome.Plaintext) is not null)
            {
                next.Data[key] = plaintext;
                next.Cache[ciphertext] = plaintext;
                next.DecryptedKeys.Add(key);
                continue;
            }

            Fail(next, new KamusDecryptionFailure(key, fresh[ciphertext]), reload);
        }

        foreach (var failure in misplaced)
        {
            Fail(next, failure, reload);
        }

        return next;
    }

    private void Fail(Snapshot next, KamusDecryptionFailure failure, bool reload)
    {
        next.Failures.Add(failure);
        if (reload && _decryptedKeys.Contains(failure.Key) && Data.TryGetValue(failure.Key, out var lastGood))
        {
            next.Data[failure.Key] = lastGood;
            next.DecryptedKeys.Add(failure.Key);
        }
        else
        {
            next.Data.Remove(failure.Key);
        }
    }

    // Step 4: swap the data whole, and raise one reload notification when it changed.
    private void Publish(Snapshot next, bool reload, int decryptedNow)
    {
        var changed = !reload || !SameData(Data, next.Data);
        if (changed)
        {
            Data = next.Data;
        }

        _cache = next.Cache;
        _decryptedKeys = next.DecryptedKeys;
        _failures = next.Failures;
        _loaded = true;
        if ((decryptedNow > 0 || !reload) && _logger.IsEnabled(LogLevel.Information))
        {
            // Sorting the key names is worth skipping when nobody reads the line.
            KamusConfigurationLog.Decrypted(_logger, next.DecryptedKeys.Count, decryptedNow, DescribeKeys(next.DecryptedKeys));
        }

        if (KamusConfigurationTelemetry.Loads.Enabled)
        {
            KamusConfigurationTelemetry.Loads.Add(1, new("reload", reload), new("changed", changed));
        }
        if (changed && reload)
        {
            OnReload();
        }
        else if (reload)
        {
            KamusConfigurationLog.Unchanged(_logger);
        }
    }

    /// <summary>
    /// The call failure behind the first item that failed for an outage (server unreachable, timeout, ...), which names
    /// the URL and the cause, for the exception's first line; null when only values themselves were refused.
    /// </summary>
    private static KamusException? OutageOf(IEnumerable<DecryptOutcome> outcomes)
    {
        var error = outcomes.FirstOrDefault(o => o.ErrorKind is { } kind && kind is not (KamusErrorKind.Forbidden or KamusErrorKind.InvalidCiphertext or KamusErrorKind.PayloadTooLarge))?.Error;

        // An item's failure wraps the call's ("Decrypting <fingerprint> failed: ..."): the innermost one says it plainly.
        while (error?.InnerException is KamusException inner)
        {
            error = inner;
        }

        return error;
    }

    private IKamusClient GetClient()
    {
        if (_client is null)
        {
            _client = _source.Options.Client ?? _settings!.CreateClient();
            _ownsClient = _source.Options.Client is null;
        }

        return _client;
    }

    private void ReportFailures(List<KamusDecryptionFailure> failures, KamusException? batchError, bool reload)
    {
        foreach (var failure in failures)
        {
            KamusConfigurationLog.KeyFailed(_logger, failure.Key, failure.Kind, failure.Reason, failure.Fingerprint);
        }

        var detail = batchError is null ? null : $"{batchError.Kind}: {batchError.Message}";
        var exception = new KamusConfigurationException(failures, detail, batchError);
        var context = new KamusLoadExceptionContext(this, exception, reload);
        try
        {
            _source.Options.OnLoadException?.Invoke(context);
        }
        catch (Exception hookFailure) when (reload)
        {
            KamusConfigurationLog.ReloadCrashed(_logger, hookFailure);
        }

        if (reload)
        {
            KamusConfigurationLog.ReloadKeptLastGood(_logger, failures.Count);
            return;
        }

        if (!_settings!.Optional && !context.Ignore)
        {
            throw exception;
        }

        KamusConfigurationLog.LeftOut(_logger, failures.Count);
    }

    private static bool TryTrim(string? value, out string ciphertext)
    {
        ciphertext = value?.Trim() ?? string.Empty;
        return ciphertext.Length > 0;
    }

    private static bool SameData(IDictionary<string, string?> current, Dictionary<string, string?> next)
    {
        if (current.Count != next.Count)
        {
            return false;
        }

        foreach (var (key, value) in next)
        {
            if (!current.TryGetValue(key, out var existing) || !string.Equals(existing, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static string DescribeKeys(HashSet<string> keys)
    {
        var ordered = keys.Order(StringComparer.OrdinalIgnoreCase).ToList();
        var shown = string.Join(", ", ordered.Take(KeysLogged));
        return ordered.Count > KeysLogged ? $"{shown} and {ordered.Count - KeysLogged} more" : shown;
    }

    // What one refresh produces, swapped in whole by Publish.
    private sealed class Snapshot(Dictionary<string, string?> data)
    {
        public Dictionary<string, string?> Data { get; } = data;

        public Dictionary<string, string> Cache { get; } = new(StringComparer.Ordinal);

        public HashSet<string> DecryptedKeys { get; } = new(StringComparer.OrdinalIgnoreCase);

        public List<KamusDecryptionFailure> Failures { get; } = [];
    }
}
