using Kamus.Client;
using Kamus.Configuration.Testing;
using Kamus.Configuration.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Kamus.Configuration.Tests.Unit;

public sealed class AddKamusTests
{
    private static InMemoryKamusClient Decryptor() => new InMemoryKamusClient()
        .Add("ct-orders", "Server=orders;Password=orders-secret")
        .Add("ct-api", "api-secret")
        .Refuse("ct-other-sa", KamusErrorKind.Forbidden);

    [Fact]
    public void Decrypts_marked_values_of_earlier_sources_and_leaves_the_rest_untouched()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Orders"] = "kamus:ct-orders",
                ["Api:Keys:0"] = "kamus:ct-api",
                ["Api:Name"] = "orders-api",
                ["Plain"] = "kamus",
            })
            .AddKamus(o => o.Client = Decryptor())
            .Build();

        Assert.Equal("Server=orders;Password=orders-secret", configuration["ConnectionStrings:Orders"]);
        Assert.Equal("api-secret", configuration.GetSection("Api:Keys").Get<string[]>()![0]);
        Assert.Equal("orders-api", configuration["Api:Name"]);
        Assert.Equal("kamus", configuration["Plain"]);
    }

    [Fact]
    public void Sources_added_after_AddKamus_still_override()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Api:Key"] = "kamus:ct-api", ["Other"] = "kamus:ct-orders" })
            .AddKamus(o => o.Client = Decryptor())
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Api:Key"] = "overridden" })
            .Build();

        Assert.Equal("overridden", configuration["Api:Key"]);
        Assert.Equal("Server=orders;Password=orders-secret", configuration["Other"]);
    }

    [Fact]
    public void A_custom_marker_prefix_is_honoured()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["A"] = "ENC[ct-api", ["B"] = "kamus:ct-api" })
            .AddKamus(o =>
            {
                o.Client = Decryptor();
                o.MarkerPrefix = "ENC[";
            })
            .Build();

        Assert.Equal("api-secret", configuration["A"]);
        Assert.Equal("kamus:ct-api", configuration["B"]);
    }

    [Fact]
    public void Duplicate_ciphertexts_are_decrypted_once_in_one_call()
    {
        var recording = new RecordingClient(Decryptor());
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["A"] = "kamus:ct-api", ["B"] = "kamus:ct-api", ["C"] = "kamus:ct-orders" })
            .AddKamus(o => o.Client = recording)
            .Build();

        var batch = Assert.Single(recording.Batches);
        Assert.Equal(["ct-api", "ct-orders"], batch.Order(StringComparer.Ordinal));
        Assert.Equal("api-secret", configuration["B"]);
    }

    [Fact]
    public void No_encrypted_value_means_no_client_call()
    {
        var recording = new RecordingClient(Decryptor());
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["A"] = "plain" })
            .AddKamus(o => o.Client = recording)
            .Build();

        Assert.Empty(recording.Batches);
        Assert.Equal("plain", configuration["A"]);
    }

    [Fact]
    public void Environment_variable_and_command_line_values_are_decrypted()
    {
        var prefix = "KAMUS_TEST_" + Guid.NewGuid().ToString("N")[..8] + "_";
        Environment.SetEnvironmentVariable(prefix + "ConnectionStrings__Orders", "kamus:ct-orders");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddEnvironmentVariables(prefix)
                .AddCommandLine(["--Api:Key=kamus:ct-api", "--Api:Name=plain"])
                .AddKamus(o => o.Client = Decryptor())
                .Build();

            Assert.Equal("Server=orders;Password=orders-secret", configuration["ConnectionStrings:Orders"]);
            Assert.Equal("api-secret", configuration["Api:Key"]);
            Assert.Equal("plain", configuration["Api:Name"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "ConnectionStrings__Orders", null);
        }
    }

    [Fact]
    public void ConfigurationManager_loads_each_wrapped_source_once_and_keeps_only_the_Kamus_source()
    {
        using var manager = new ConfigurationManager();
        var counting = new CountingSource(new Dictionary<string, string?> { ["Api:Key"] = "kamus:ct-api" });
        ((IConfigurationBuilder)manager).Add(counting);
        Assert.Equal(1, counting.Loads); // the manager loads a source as soon as it is added

        manager.AddKamus(o => o.Client = Decryptor());
        manager.AddInMemoryCollection(new Dictionary<string, string?> { ["Later"] = "x" });

        Assert.Equal(2, counting.Loads); // once more, by the Kamus provider, and never again
        Assert.Equal(2, counting.Builds);
        Assert.Equal(1, counting.Disposals); // the manager's own provider for it was released
        Assert.IsType<KamusConfigurationSource>(((IConfigurationBuilder)manager).Sources[0]);
        Assert.Equal(2, ((IConfigurationBuilder)manager).Sources.Count);
        Assert.Equal("api-secret", manager["Api:Key"]);
        Assert.Single(((IConfigurationRoot)manager).Providers.OfType<KamusConfigurationProvider>());
    }

    [Fact]
    public void ConfigurationBuilder_builds_each_wrapped_source_once()
    {
        var counting = new CountingSource(new Dictionary<string, string?> { ["Api:Key"] = "kamus:ct-api" });
        var builder = new ConfigurationBuilder();
        builder.Add(counting);
        builder.AddKamus(o => o.Client = Decryptor());

        var configuration = builder.Build();

        Assert.Equal(1, counting.Builds);
        Assert.Equal(1, counting.Loads);
        Assert.Equal("api-secret", configuration["Api:Key"]);
        Assert.Single(builder.Sources);
    }

    [Fact]
    public void Dispose_releases_wrapped_providers_and_plaintexts_but_not_a_client_the_caller_owns()
    {
        var counting = new CountingSource(new Dictionary<string, string?> { ["Api:Key"] = "kamus:ct-api" });
        var recording = new RecordingClient(Decryptor());
        var builder = new ConfigurationBuilder();
        builder.Add(counting);
        var root = builder.AddKamus(o => o.Client = recording).Build();
        var provider = root.Providers.OfType<KamusConfigurationProvider>().Single();

        ((IDisposable)root).Dispose();

        Assert.Equal(1, counting.Disposals);
        Assert.False(provider.TryGet("Api:Key", out _));
        Assert.Empty(provider.DecryptedKeys);
        Assert.False(recording.Disposed);
    }

    [Fact]
    public void A_Kamus_section_setting_that_is_malformed_fails_naming_the_key_only()
    {
        var builder = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Kamus:Url"] = "not a url", ["A"] = "kamus:ct-api" })
            .AddKamus(o => o.ReadConnectionFromConfiguration = true);

        var error = Assert.Throws<FormatException>(() => builder.Build());
        Assert.Contains("Kamus:Url", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not a url", error.Message, StringComparison.Ordinal);
    }
}
