using System.Reflection;
using System.Text.Json;
using Kamus.Benchmarks.Infrastructure;
using Kamus.Client;
using Kamus.Client.Tokens;
using Kamus.ColdStart;
using Kamus.Testing;

namespace Kamus.Benchmarks.ColdStart;

/// <summary>
/// What the cold-start apps run against, made once per benchmark process: the real Kamus.Server on loopback (in this
/// process, warmed up, its review cache warm as for any pod but the first), the token file, and one appsettings file
/// per variant with the values encrypted by that server. Knows how to start each variant as a fresh process.
/// </summary>
internal sealed class ColdStartFixture : IDisposable
{
    private const int MaxN = 1000;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    private readonly KamusServerHost _server;
    private readonly string _directory;
    private readonly string _tokenFile;
    private readonly Dictionary<ColdStartVariant, (string App, string[] Arguments, string Digest)> _runs = [];

    private ColdStartFixture(KamusServerHost server, string directory)
    {
        _server = server;
        _directory = directory;
        _tokenFile = Path.Combine(directory, "token");
        File.WriteAllText(_tokenFile, BenchmarkServer.Token);
    }

    /// <summary>Starts the server and writes every variant's files.</summary>
    public static ColdStartFixture Create()
    {
        var fixture = new ColdStartFixture(BenchmarkServer.Start(), Directory.CreateTempSubdirectory("kamus-cold-start-").FullName);
        try
        {
            fixture.WriteVariants();
            return fixture;
        }
        catch
        {
            fixture.Dispose();
            throw;
        }
    }

    /// <summary>Starts <paramref name="variant"/> as a fresh process and checks what it read.</summary>
    /// <param name="variant">The app and what it does.</param>
    /// <param name="assembliesFile">Where the app writes its loaded assemblies' names, or <see langword="null"/>.</param>
    /// <param name="jitListFile">Where the app lists the methods it JIT-compiled (a diagnostic run, not timed), or <see langword="null"/>.</param>
    public ColdStartRun Run(ColdStartVariant variant, string? assembliesFile = null, string? jitListFile = null)
    {
        var (app, arguments, digest) = _runs[variant];
        var run = ColdStartProcess.Run(app, arguments, Environment(assembliesFile, jitListFile), ProbeTimeout);
        return run.Digest == digest
            ? run
            : throw new InvalidOperationException($"{variant}: the app did not read the expected configuration (digest {run.Digest}, expected {digest}).");
    }

    public void Dispose()
    {
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    private Dictionary<string, string?> Environment(string? assembliesFile, string? jitListFile)
    {
        // As in a pod: the upstream variables name the server and the token file.
        var variables = new Dictionary<string, string?>
        {
            [KamusClientOptions.UrlVariable] = _server.Url.ToString(),
            [KamusClientOptions.TokenFilePathVariable] = _tokenFile,
            [ProbeReport.AssembliesFileVariable] = assembliesFile,
            [JitLog.FileVariable] = jitListFile,
        };
        return variables;
    }

    private void WriteVariants()
    {
        var plaintexts = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < MaxN; i++)
        {
            plaintexts[$"App:Secret{i:D4}"] = $"secret-{i:D4}-Password=p@ss:w0rd;{new string('x', 24)}";
        }

        using var client = new KamusClient(new KamusClientOptions { Url = _server.Url, TokenSource = new StaticTokenSource(BenchmarkServer.Token) });
        foreach (var n in new[] { 10, MaxN })
        {
            var plain = plaintexts.Take(n).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            var bundle = client.EncryptManyAsync(BenchmarkServer.ServiceAccount, BenchmarkServer.Namespace, plain).GetAwaiter().GetResult();
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            Parallel.ForEach(plain, new ParallelOptions { MaxDegreeOfParallelism = 8 }, pair =>
            {
                var ciphertext = client.EncryptAsync(pair.Value, BenchmarkServer.ServiceAccount, BenchmarkServer.Namespace).GetAwaiter().GetResult();
                lock (values)
                {
                    values[pair.Key] = ciphertext;
                }
            });

            var expected = ProbeReport.Digest(plain.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));
            var plainFile = WriteJson($"plain-{n}", plain, marker: "");
            var bundleFile = WriteJson($"bundle-{n}", bundle, marker: "kamus:");
            var valuesFile = WriteJson($"values-{n}", values, marker: "kamus:");

            // The floor decrypts one value remotely and adds it to the configuration under Floor:Decrypted.
            var first = plain.First();
            var floorDigest = ProbeReport.Digest(plain.Append(new("Floor:Decrypted", first.Value)).Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));
            var console = ProbePath("Kamus.ColdStart.ConsoleApp");
            var (plainVariant, floorVariant, bundleVariant, valuesVariant) = n == 10
                ? (ColdStartVariant.PlainN10, ColdStartVariant.FloorN10, ColdStartVariant.BundleN10, ColdStartVariant.ValuesN10)
                : (ColdStartVariant.PlainN1000, ColdStartVariant.FloorN1000, ColdStartVariant.BundleN1000, ColdStartVariant.ValuesN1000);
            _runs[plainVariant] = (console, ["plain", plainFile], expected);
            _runs[floorVariant] = (console, ["floor", plainFile, values[first.Key]], floorDigest);
            _runs[bundleVariant] = (console, ["kamus", bundleFile], expected);
            _runs[valuesVariant] = (console, ["kamus", valuesFile], expected);
            var readyToRun = ProbePath("Kamus.ColdStart.ConsoleApp.ReadyToRun");
            if (n == MaxN)
            {
                _runs[ColdStartVariant.RepeatPlainN1000] = (console, ["repeat-plain", plainFile], expected);
                _runs[ColdStartVariant.RepeatBundleN1000] = (console, ["repeat-kamus", bundleFile], expected);
                _runs[ColdStartVariant.RepeatBundleN1000ReadyToRun] = (readyToRun, ["repeat-kamus", bundleFile], expected);
                _runs[ColdStartVariant.RepeatLoopN1000] = (console, ["repeat-loop", valuesFile], expected);
                _runs[ColdStartVariant.BundleN1000ReadyToRun] = (readyToRun, ["kamus", bundleFile], expected);
                _runs[ColdStartVariant.ValuesN1000ReadyToRun] = (readyToRun, ["kamus", valuesFile], expected);
            }
            else
            {
                _runs[ColdStartVariant.BundleN10ReadyToRun] = (readyToRun, ["kamus", bundleFile], expected);
            }

            if (n == 10)
            {
                // The web app reads appsettings.json from its content root.
                var web = ProbePath("Kamus.ColdStart.WebApp");
                _runs[ColdStartVariant.WebPlainN10] = (web, ["plain", ContentRoot("web-plain", plainFile)], expected);
                var webKamus = ContentRoot("web-kamus", bundleFile);
                _runs[ColdStartVariant.WebKamusN10] = (web, ["kamus", webKamus], expected);
                _runs[ColdStartVariant.WebKamusN10ReadyToRun] = (ProbePath("Kamus.ColdStart.WebApp.ReadyToRun"), ["kamus", webKamus], expected);
            }

            // The server's first requests of each kind JIT its own code (in this process): pay that before anything is measured.
            client.DecryptManyAsync([.. bundle.Values]).GetAwaiter().GetResult();
            client.DecryptManyAsync([.. values.Values]).GetAwaiter().GetResult();
            using var raw = new HttpClient { BaseAddress = _server.Url };
            raw.DefaultRequestHeaders.Authorization = new("Bearer", BenchmarkServer.Token);
            using var body = new StringContent("{\"data\":\"" + values[first.Key] + "\"}", System.Text.Encoding.UTF8, "application/json");
            raw.PostAsync(new Uri("api/v1/decrypt", UriKind.Relative), body).GetAwaiter().GetResult().EnsureSuccessStatusCode().Dispose();
        }
    }

    private string WriteJson(string name, IReadOnlyDictionary<string, string> values, string marker)
    {
        var path = Path.Combine(_directory, name + ".json");
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartObject("App");
        foreach (var (key, value) in values)
        {
            json.WriteString(key["App:".Length..], marker + value);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        return path;
    }

    private string ContentRoot(string name, string appsettings)
    {
        var root = Directory.CreateDirectory(Path.Combine(_directory, name)).FullName;
        File.Copy(appsettings, Path.Combine(root, "appsettings.json"));
        return root;
    }

    // The apps' build outputs (Kamus.Benchmarks.csproj builds them and names them in assembly metadata).
    private static string ProbePath(string app) =>
        typeof(ColdStartFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == app)?.Value is { } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException($"The cold-start app {app} is not built: build benchmarks/Kamus.Benchmarks in Release (the ReadyToRun one on linux-x64 only).");
}
