using System.ComponentModel.DataAnnotations;
using Kamus.Client;
using Kamus.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Kamus.Configuration.Tests.Unit;

public sealed class OptionsTests
{
    private static InMemoryKamusClient Decryptor() => new InMemoryKamusClient()
        .Add("ct-password", "db-password")
        .Refuse("ct-other-sa", KamusErrorKind.Forbidden);

    private static HostApplicationBuilder Builder(string passwordValue, bool optional)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Db:Host"] = "db.internal",
            ["Db:Password"] = passwordValue,
        });
        builder.AddKamus(o =>
        {
            o.Client = Decryptor();
            o.Optional = optional;
        });
        builder.Services.AddOptions<DbOptions>()
            .BindConfiguration("Db")
            .ValidateDataAnnotations()
            .ValidateKamusSecrets("Db")
            .ValidateOnStart();
        return builder;
    }

    [Fact]
    public async Task Decrypted_values_bind_and_validate_on_start()
    {
        using var host = Builder("kamus:ct-password", optional: false).Build();
        await host.StartAsync();

        var options = host.Services.GetRequiredService<IOptions<DbOptions>>().Value;
        Assert.Equal("db-password", options.Password);
        Assert.Equal("db.internal", options.Host);
        Assert.Same(Decryptor().GetType(), host.Services.GetRequiredService<IKamusClient>().GetType());
        await host.StopAsync();
    }

    [Fact]
    public async Task An_undecryptable_optional_secret_fails_ValidateOnStart_naming_the_option_and_the_key()
    {
        using var host = Builder("kamus:ct-other-sa", optional: true).Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Options 'DbOptions' need 'Db:Password', which Kamus could not decrypt: Forbidden (not decryptable by this service account; re-encrypt it for this pod's namespace and service account (kamus encrypt -n <namespace> -a <service-account>))", error.Message, StringComparison.Ordinal);
        Assert.Contains("Password", error.Message, StringComparison.Ordinal); // the data-annotations failure too
    }

    [Fact]
    public void A_missing_secret_that_is_not_optional_fails_at_build_naming_the_key()
    {
        var error = Assert.Throws<KamusConfigurationException>(() => Builder("kamus:ct-other-sa", optional: false));
        Assert.Contains("Db:Password: Forbidden", error.Message, StringComparison.Ordinal);
    }

    public sealed class DbOptions
    {
        [Required]
        public string? Host { get; set; }

        [Required]
        public string? Password { get; set; }
    }
}
