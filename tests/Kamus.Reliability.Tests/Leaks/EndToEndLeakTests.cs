using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Kamus.Cli;
using Kamus.Client;
using Kamus.Wire.Formats;
using Kamus.Wire.Protocol;
using Kamus.Client.Tokens;
using Kamus.Reliability.Tests.Support;
using Kamus.Testing;
using Kamus.Testing.Faults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Kamus.Reliability.Tests.Leaks;

/// <summary>
/// The whole system (server, client standalone and through DI, AddKamus, the CLI) at Trace level, through successes,
/// refusals and injected faults. Everything it leaves is captured: logs, exception texts, console output, activities,
/// metric tags, new temporary files and the working directory. No plaintext, data key, master key or token may appear.
/// </summary>
[Collection(SerialTests.Name)]
public sealed class EndToEndLeakTests(ITestOutputHelper output) : IDisposable
{
    private readonly FakeLogCollector _logs = new();
    private readonly ConcurrentQueue<string> _texts = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("kamus-rel-leaks-").FullName;

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task No_secret_appears_in_anything_the_system_leaves_behind()
    {
        var started = DateTime.UtcNow.AddSeconds(-2);
        var canaries = new Canaries();
        var masterKey = RandomNumberGenerator.GetBytes(32);
        canaries.AddBytes("master key", masterKey);
        var id = Guid.NewGuid().ToString("N");
        string[] plaintexts = [$"CANARY-PLAIN-ONE-{id}", $"CANARY-PLAIN-TWO-{id}", $"CANARY-PLAIN-JSON-{id}", $"CANARY-PLAIN-CLI-{id}"];
        foreach (var (plaintext, i) in plaintexts.Select((p, i) => (p, i)))
        {
            canaries.AddText($"plaintext {i}", plaintext);
        }

        var token = $"CANARY-TOKEN-{id}";
        var otherToken = $"CANARY-OTHER-TOKEN-{id}";
        canaries.AddText("token", token);
        canaries.AddText("other token", otherToken);

        var console = new StringWriter();
        var (stdout, stderr) = (Console.Out, Console.Error);
        Console.SetOut(console);
        Console.SetError(console);
        using var activities = ListenToActivities();
        using var meters = ListenToMeters();
        var tokenFile = Path.Combine(_folder, "token");
        try
        {
            await using var servers = await FormatServers.StartAsync(o =>
            {
                o.Settings["KeyManagement:AES:Key"] = Convert.ToBase64String(masterKey);

                // Over the server's appsettings.json, whose category rules would otherwise beat the minimum level.
                o.Settings["Logging:LogLevel:Default"] = "Trace";
                o.Settings["Logging:LogLevel:Microsoft"] = "Trace";
                o.Settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace";
                o.Settings["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Trace";
                o.ConfigureBuilder = b =>
                {
                    b.Logging.SetMinimumLevel(LogLevel.Trace);
                    b.Logging.AddProvider(new FakeLoggerProvider(_logs));
                };
            });
            servers.V2.StandIn.AddToken(token, "leak", "app");
            servers.V2.StandIn.AddToken(otherToken, "leak", "other");
            await File.WriteAllTextAsync(tokenFile, token);

            var originals = await servers.MakeAsync("leak", "app", plaintexts[0]);
            var dataKeys = await UnwrapDataKeysAsync(servers.V2, token, originals);
            await ExerciseClientAsync(servers.V2, token, otherToken, plaintexts, originals);
            await ExerciseDependencyInjectionAsync(servers.V2, token, originals);
            ExerciseAddKamus(servers.V2, tokenFile, originals, plaintexts[2]);
            await ExerciseCliAsync(servers.V2, token, tokenFile, plaintexts[3], originals);
            foreach (var (key, i) in dataKeys.Select((k, i) => (k, i)))
            {
                canaries.AddBytes($"data key {i}", key);
            }

            foreach (var record in servers.V2.Host.Logs.GetSnapshot().Concat(servers.Upstream.Host.Logs.GetSnapshot()))
            {
                _texts.Enqueue($"{record.Level} {record.Category} {record.Message} {record.Exception}");
            }
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }

        var findings = new List<string>();
        findings.AddRange(canaries.FindIn("logs", _logs.AllText()));
        findings.AddRange(canaries.FindIn("exceptions, answers and outputs", string.Join('\n', _texts)));
        findings.AddRange(canaries.FindIn("console", console.ToString()));
        findings.AddRange(canaries.FindIn("activities", string.Join('\n', activities.Lines)));
        findings.AddRange(canaries.FindIn("metric tags", string.Join('\n', meters.Lines)));
        var files = NewFiles(started, tokenFile).ToList();
        foreach (var file in files)
        {
            findings.AddRange(canaries.FindIn(file, ReadText(file)));
        }

        Figures.Record(output, "end-to-end leak scan at Trace", $"{canaries.Count} canary forms; {_logs.Lines().Count} log records, {_texts.Count} exception/answer/output texts, {console.ToString().Length} console chars, {activities.Lines.Count} activities, {meters.Lines.Count} measurements, {files.Count} new files scanned; findings {findings.Count}");
        Assert.Contains(_logs.Lines(), l => l.StartsWith("Trace Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.Contains(_logs.Lines(), l => l.StartsWith("Debug Kamus.Client", StringComparison.Ordinal) || l.StartsWith("Trace Kamus.Client", StringComparison.Ordinal));
        Assert.Empty(findings);
    }

    private static async Task<List<byte[]>> UnwrapDataKeysAsync(KamusSystem system, string token, IReadOnlyList<Original> originals)
    {
        using var http = system.Host.CreateHttpClient();
        var keys = new List<byte[]>();
        foreach (var wrapped in originals.Where(o => o.IsWrappedKey))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/decrypt") { Content = JsonContent.Create(new DecryptRequest { Data = wrapped.Ciphertext }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            keys.Add(Convert.FromBase64String(await response.Content.ReadAsStringAsync()));
        }

        Assert.Equal(2, keys.Count);
        return keys;
    }

    private async Task ExerciseClientAsync(KamusSystem system, string token, string otherToken, string[] plaintexts, IReadOnlyList<Original> originals)
    {
        using var factory = _logs.CreateLoggerFactory();
        await using var proxy = await FaultProxy.StartAsync(system.Url);
        proxy.Enqueue("/api/v2/decrypt", Fault.Truncate, Fault.WithStatus(503), Fault.Reset, Fault.Truncate);
        proxy.Enqueue("/api/v2/encrypt", Fault.Truncate);
        var options = KamusSystem.ClientOptions(proxy.Url, token, factory);
        using var client = new KamusClient(options);
        var many = await client.EncryptManyAsync("app", "leak", new Dictionary<string, string> { ["a"] = plaintexts[0], ["b"] = plaintexts[1] });
        var single = await client.EncryptAsync(plaintexts[1], "app", "leak");
        var all = originals.Select(o => o.Ciphertext).Concat([many["a"], many["b"], single, Tamper(many["a"]), Tamper(single), "not a ciphertext"]).ToList();
        Record(await client.DecryptManyAsync(all));
        Record(await client.DecryptManyAsync(all));
        await Capture(() => client.DecryptAsync(Tamper(single)));

        using var other = new KamusClient(KamusSystem.ClientOptions(proxy.Url, otherToken, factory));
        Record(await other.DecryptManyAsync(all));
        using var unknown = new KamusClient(KamusSystem.ClientOptions(proxy.Url, "CANARY-UNKNOWN-" + token, factory));
        await Capture(() => unknown.DecryptAsync(single));
        _texts.Enqueue(client.ToString());
    }

    private async Task ExerciseDependencyInjectionAsync(KamusSystem system, string token, IReadOnlyList<Original> originals)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(_logs)));
        services.AddKamusClient(o =>
        {
            o.Url = system.Url;
            o.TokenSource = new StaticTokenSource(token);
        });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IKamusClient>();
        Record(await client.DecryptManyAsync([.. originals.Select(o => o.Ciphertext)]));
    }

    private void ExerciseAddKamus(KamusSystem system, string tokenFile, IReadOnlyList<Original> originals, string plaintext)
    {
        using var factory = _logs.CreateLoggerFactory();
        using var writer = system.Client("unused");
        var mine = writer.EncryptAsync(plaintext, "app", "leak").GetAwaiter().GetResult();
        var foreign = writer.EncryptAsync(plaintext, "other", "leak").GetAwaiter().GetResult();
        var json = Path.Combine(_folder, "appsettings.json");
        File.WriteAllText(json, $$"""{ "Db": { "Password": "kamus:{{mine}}", "Foreign": "kamus:{{foreign}}", "Bad": "kamus:{{Tamper(mine)}}" }, "Up": "kamus:{{originals[3].Ciphertext}}" }""");
        foreach (var optional in new[] { false, true })
        {
            var builder = new ConfigurationBuilder();
            builder.AddJsonFile(json);
            builder.AddKamus(o =>
            {
                o.Url = system.Url;
                o.TokenFilePath = tokenFile;
                o.LoggerFactory = factory;
                o.Optional = optional;
            });
            try
            {
                var configuration = builder.Build();
                Assert.Equal(plaintext, configuration["Db:Password"]);
                _texts.Enqueue(string.Join(";", configuration.Providers.Select(p => p.ToString())));
                (configuration as IDisposable)?.Dispose();
            }
            catch (Exception e)
            {
                _texts.Enqueue(e.ToString());
            }
        }
    }

    private async Task ExerciseCliAsync(KamusSystem system, string token, string tokenFile, string plaintext, IReadOnlyList<Original> originals)
    {
        var environment = new CliEnvironment { GetVariable = name => name == "KAMUS_URL" ? system.Url.ToString() : name == "TOKEN_FILE_PATH" ? tokenFile : null };
        var settings = Path.Combine(_folder, "appsettings.Production.json");
        await File.WriteAllTextAsync(settings, $$"""{ "Smtp": { "Password": "{{plaintext}}" }, "Other": "{{plaintext}}-2" }""");
        string[][] runs =
        [
            ["encrypt", "-a", "app", "-n", "leak"],
            ["encrypt-json", settings, "-a", "app", "-n", "leak", "-k", "Smtp:Password", "-k", "Other"],
            ["inspect", settings],
            ["decrypt", originals[0].Ciphertext, "--token-file", tokenFile],
            ["decrypt", Tamper(originals[0].Ciphertext), "--verbose"],
            ["encrypt-json", settings, "-a", "app", "-n", "leak", "-k", "Missing:Key", "--verbose"],
            ["encrypt", "-a", "default", "-n", "leak", "--verbose"],
        ];
        foreach (var args in runs)
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var exit = await KamusCli.RunAsync(args, new StringReader(plaintext), stdout, stderr, environment);
            _texts.Enqueue($"kamus {args[0]} -> {exit}\n{stdout}\n{stderr}");
        }

        Assert.DoesNotContain(plaintext, await File.ReadAllTextAsync(settings), StringComparison.Ordinal);
        Assert.DoesNotContain(token, string.Join('\n', _texts), StringComparison.Ordinal);
    }

    private void Record(IReadOnlyList<DecryptOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            _texts.Enqueue(outcome.ToString());
            if (outcome.Error is { } error)
            {
                _texts.Enqueue(error.ToString());
            }
        }
    }

    private async Task Capture(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e)
        {
            _texts.Enqueue(e.ToString());
        }
    }

    private static string Tamper(string ciphertext)
    {
        var parsed = CiphertextParser.Parse(ciphertext);
        var last = ciphertext[^2] == 'A' ? 'B' : 'A';
        return parsed.Format.IsAuthenticated() ? string.Concat(ciphertext.AsSpan(0, ciphertext.Length - 2), last.ToString(), ciphertext.AsSpan(ciphertext.Length - 1)) : ciphertext;
    }

    private IEnumerable<string> NewFiles(DateTime since, string excluded)
    {
        var roots = new[] { Path.GetTempPath(), Environment.CurrentDirectory, AppContext.BaseDirectory, _folder };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            IEnumerable<string> files;
            try
            {
                files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint });
            }
            catch (IOException)
            {
                continue;
            }

            foreach (var file in files)
            {
                FileInfo info;
                try
                {
                    info = new FileInfo(file);
                    // Empty entries include FIFOs and sockets (reading a FIFO would block), and hold nothing anyway.
                    if (info.LastWriteTimeUtc < since || info.Length == 0 || info.Length > 8 * 1024 * 1024 || file == excluded || !seen.Add(file))
                    {
                        continue;
                    }
                }
                catch (IOException)
                {
                    continue;
                }

                yield return file;
            }
        }
    }

    private static string ReadText(string file)
    {
        try
        {
            var bytes = File.ReadAllBytes(file);
            return Encoding.UTF8.GetString(bytes) + "\n" + Encoding.Unicode.GetString(bytes) + "\n" + Encoding.Latin1.GetString(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private static Listener ListenToActivities()
    {
        var listener = new Listener();
        var activityListener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => listener.Add($"{a.Source.Name} {a.DisplayName} {string.Join(";", a.TagObjects.Select(t => $"{t.Key}={t.Value}"))} {string.Join(";", a.Events.Select(e => e.Name + string.Join(",", e.Tags.Select(t => $"{t.Key}={t.Value}"))))} {a.StatusDescription}"),
        };
        ActivitySource.AddActivityListener(activityListener);
        listener.Disposable = activityListener;
        return listener;
    }

    private static Listener ListenToMeters()
    {
        var listener = new Listener();
        var meterListener = new MeterListener { InstrumentPublished = (instrument, l) => l.EnableMeasurementEvents(instrument) };
        meterListener.SetMeasurementEventCallback<long>((i, v, tags, _) => listener.Add($"{i.Meter.Name} {i.Name} {v} {Tags(tags)}"));
        meterListener.SetMeasurementEventCallback<double>((i, v, tags, _) => listener.Add($"{i.Meter.Name} {i.Name} {v} {Tags(tags)}"));
        meterListener.SetMeasurementEventCallback<int>((i, v, tags, _) => listener.Add($"{i.Meter.Name} {i.Name} {v} {Tags(tags)}"));
        meterListener.Start();
        listener.Disposable = meterListener;
        return listener;
    }

    private static string Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = new StringBuilder();
        foreach (var tag in tags)
        {
            text.Append(tag.Key).Append('=').Append(tag.Value).Append(';');
        }

        return text.ToString();
    }

    private sealed class Listener : IDisposable
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IDisposable? Disposable { get; set; }

        public IReadOnlyCollection<string> Lines => _lines;

        public void Add(string line) => _lines.Enqueue(line);

        public void Dispose() => Disposable?.Dispose();
    }
}
