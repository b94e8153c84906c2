using System.Text.Json;
using Kamus.Client;
using Kamus.Client.Tokens;
using Kamus.Configuration.Tests.Support;
using Kamus.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Kamus.Configuration.Tests.EndToEnd;

/// <summary>AddKamus against the real Kamus.Server on loopback, which reviews tokens with the Kubernetes API stand-in.</summary>
public sealed class ServerTests : IAsyncLifetime, IDisposable
{
    private const string Token = "orders-api-token";
    private const string BatchDecrypt = "/api/v2/decrypt";
    private KamusServerHost _server = null!;
    private KamusClient _encryptor = null!;
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("kamus-e2e-");

    public async Task InitializeAsync()
    {
        _server = await KamusServerHost.StartAsync();
        _server.StandIn.AddToken(Token, "shop", "orders-api");
        _encryptor = new KamusClient(new KamusClientOptions { Url = _server.Url, TokenSource = new StaticTokenSource(Token) });
    }

    public async Task DisposeAsync()
    {
        _encryptor.Dispose();
        await _server.DisposeAsync();
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private void Configure(KamusConfigurationOptions options)
    {
        options.Url = _server.Url;
        options.TokenSource = new StaticTokenSource(Token);
    }

    private int RemoteCalls() => _server.RequestCount("/api/v1/decrypt") + _server.RequestCount(BatchDecrypt);

    [Fact]
    public async Task ConfigurationManager_decrypts_and_a_changed_json_file_costs_only_the_changed_values()
    {
        var one = await _encryptor.EncryptAsync("one", "orders-api", "shop");
        var two = await _encryptor.EncryptAsync("two", "orders-api", "shop");
        var three = await _encryptor.EncryptAsync("three", "orders-api", "shop");
        var file = Path.Combine(_folder.FullName, "appsettings.json");
        await WriteJsonAsync(file, new { A = "kamus:" + one, B = "kamus:" + two, Plain = "p" });
        _server.ResetCounts();

        using var manager = new ConfigurationManager();
        manager.AddJsonFile(file, optional: false, reloadOnChange: true);
        var recording = new RecordingClient(new KamusClient(new KamusClientOptions { Url = _server.Url, TokenSource = new StaticTokenSource(Token) }));
        manager.AddKamus(o => o.Client = recording);

        Assert.Equal("one", manager["A"]);
        Assert.Equal("two", manager["B"]);
        Assert.Equal(1, RemoteCalls());

        var next = Reloads.Next(manager);
        await WriteJsonAsync(file, new { A = "kamus:" + one, B = "kamus:" + three, Plain = "p" });
        await next.WaitAsync(Reloads.Patience);

        Assert.Equal("three", manager["B"]);
        Assert.Equal("one", manager["A"]);
        Assert.Equal(2, RemoteCalls());
        Assert.Equal([three], recording.Batches[^1]); // only the changed value went to the server
    }

    [Fact]
    public async Task WebApplication_builder_decrypts_and_registers_the_client()
    {
        var secret = await _encryptor.EncryptAsync("web-secret", "orders-api", "shop");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Test", ContentRootPath = _folder.FullName });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kamus:Url"] = _server.Url.ToString(),
            ["Web:Secret"] = "kamus:" + secret,
        });
        builder.AddKamus(o =>
        {
            o.TokenSource = new StaticTokenSource(Token);
            o.ReadConnectionFromConfiguration = true;
        });
        await using var app = builder.Build();

        Assert.Equal("web-secret", app.Configuration["Web:Secret"]);
        var client = app.Services.GetRequiredService<IKamusClient>();
        Assert.Equal("again", await client.DecryptAsync(await client.EncryptAsync("again", "orders-api", "shop")));
    }

    [Fact]
    public async Task Failures_list_every_key_with_its_reason_and_optional_leaves_them_out()
    {
        var mine = await _encryptor.EncryptAsync("mine", "orders-api", "shop");
        var theirs = await _encryptor.EncryptAsync("theirs", "billing-api", "shop");
        var values = new Dictionary<string, string?>
        {
            ["Mine"] = "kamus:" + mine,
            ["ConnectionStrings:Orders"] = "kamus:" + theirs,
            ["Broken"] = "kamus:k2.dev.not-base64!",
        };

        var error = Assert.Throws<KamusConfigurationException>(() => new ConfigurationBuilder().AddInMemoryCollection(values).AddKamus(Configure).Build());
        Assert.Contains("ConnectionStrings:Orders: Forbidden (not decryptable by this service account; re-encrypt it for this pod's namespace and service account (kamus encrypt -n <namespace> -a <service-account>))", error.Message, StringComparison.Ordinal);
        Assert.Contains("Broken: InvalidCiphertext", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("theirs", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs, error.Message, StringComparison.Ordinal);

        KamusLoadExceptionContext? hooked = null;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).AddKamus(o =>
        {
            Configure(o);
            o.Optional = true;
            o.OnLoadException = context => hooked = context;
        }).Build();
        Assert.Equal("mine", configuration["Mine"]);
        Assert.Null(configuration["ConnectionStrings:Orders"]);
        Assert.Equal(2, hooked!.Exception.Failures.Count);
    }

    [Fact]
    public async Task A_thousand_envelope_values_sharing_one_data_key_cost_at_most_two_remote_calls()
    {
        var plaintexts = Enumerable.Range(0, 1000).ToDictionary(i => $"Secrets:Item{i:D4}", i => $"value-{i}");
        var encrypted = await _encryptor.EncryptManyAsync("orders-api", "shop", plaintexts);
        Assert.All(encrypted.Values, c => Assert.StartsWith("k2e.", c, StringComparison.Ordinal));
        _server.ResetCounts();

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(encrypted.ToDictionary(e => e.Key, e => (string?)("kamus:" + e.Value)))
            .AddKamus(Configure)
            .Build();

        Assert.InRange(RemoteCalls(), 1, 2);
        Assert.All(plaintexts, p => Assert.Equal(p.Value, configuration[p.Key]));
    }

    [Fact]
    public async Task AddKamusFiles_decrypts_the_upstream_vectors_of_an_encrypted_ConfigMap()
    {
        using var vectors = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "kamus-v1-vectors.json")));
        var mine = vectors.RootElement.GetProperty("vectors").EnumerateArray()
            .Where(v => v.GetProperty("id").GetString() == "default:kamus-example-sa")
            .Select((v, i) => (Key: $"Upstream__Value{i}", Ciphertext: v.GetProperty("ciphertext").GetString()!, Plaintext: v.GetProperty("plaintext").GetString()!))
            .ToList();
        Assert.NotEmpty(mine);
        foreach (var (key, ciphertext, _) in mine)
        {
            await File.WriteAllTextAsync(Path.Combine(_folder.FullName, key), ciphertext + "\n");
        }

        _server.StandIn.AddToken("example-token", "default", "kamus-example-sa");
        var configuration = new ConfigurationBuilder()
            .AddKamusFiles(_folder.FullName, o =>
            {
                o.Url = _server.Url;
                o.TokenSource = new StaticTokenSource("example-token");
            })
            .Build();

        foreach (var (key, _, plaintext) in mine)
        {
            Assert.Equal(plaintext, configuration[key.Replace("__", ":", StringComparison.Ordinal)]);
        }
    }

    [Fact]
    public async Task Environment_variables_and_the_command_line_carry_encrypted_values_and_settings()
    {
        var fromEnv = await _encryptor.EncryptAsync("from-env", "orders-api", "shop");
        var fromArgs = await _encryptor.EncryptAsync("from-args", "orders-api", "shop");
        var prefix = "KAMUSE2E_" + Guid.NewGuid().ToString("N")[..8] + "_";
        Environment.SetEnvironmentVariable(prefix + "Db__Password", "kamus:" + fromEnv);
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddEnvironmentVariables(prefix)
                .AddCommandLine(["--Api:Key", "kamus:" + fromArgs, "--Kamus:Url", _server.Url.ToString()])
                .AddKamus(o =>
                {
                    o.TokenSource = new StaticTokenSource(Token);
                    o.ReadConnectionFromConfiguration = true;
                })
                .Build();

            Assert.Equal("from-env", configuration["Db:Password"]);
            Assert.Equal("from-args", configuration["Api:Key"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Db__Password", null);
        }
    }

    [Fact]
    public async Task The_real_client_under_a_single_threaded_context_does_not_deadlock()
    {
        var secret = await _encryptor.EncryptAsync("ctx", "orders-api", "shop");
        var (value, failure) = new SingleThreadedSynchronizationContext().RunOnOwnThread(
            () => new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["A"] = "kamus:" + secret })
                .AddKamus(Configure)
                .Build()["A"],
            "Build() deadlocked.");

        Assert.Null(failure);
        Assert.Equal("ctx", value);
    }

    private static async Task WriteJsonAsync(string path, object content)
    {
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(content));
        File.Move(temp, path, overwrite: true);
    }
}
