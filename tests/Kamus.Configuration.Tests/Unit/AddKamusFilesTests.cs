using Kamus.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace Kamus.Configuration.Tests.Unit;

public sealed class AddKamusFilesTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("kamus-files-");

    [Fact]
    public void Each_file_is_a_key_and_its_content_a_ciphertext_without_marker()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "ConnectionStrings__Orders"), "ct-orders\n");
        File.WriteAllText(Path.Combine(_folder.FullName, "ApiKey"), "ct-api");

        var configuration = new ConfigurationBuilder()
            .AddKamusFiles(_folder.FullName, o => o.Client = new InMemoryKamusClient().Add("ct-orders", "orders").Add("ct-api", "api"))
            .Build();

        Assert.Equal("orders", configuration["ConnectionStrings:Orders"]);
        Assert.Equal("api", configuration["ApiKey"]);
    }

    [Fact]
    public void A_missing_folder_fails_unless_optional()
    {
        var missing = Path.Combine(_folder.FullName, "nope");
        Assert.ThrowsAny<Exception>(() => new ConfigurationBuilder().AddKamusFiles(missing, o => o.UseInMemoryDecryptor()).Build());

        var configuration = new ConfigurationBuilder().AddKamusFiles(missing, o => o.UseInMemoryDecryptor(), optional: true).Build();
        Assert.Empty(configuration.AsEnumerable());
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_before_it_is_read_naming_its_key()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "ApiKey"), "ct-api");
        using (var big = File.Create(Path.Combine(_folder.FullName, "Huge__Blob")))
        {
            big.SetLength(2 * 1024 * 1024);
        }

        var client = new InMemoryKamusClient().Add("ct-api", "api");
        var error = Assert.Throws<KamusConfigurationException>(() => new ConfigurationBuilder().AddKamusFiles(_folder.FullName, o => o.Client = client).Build());

        var failure = Assert.Single(error.Failures);
        Assert.Equal("Huge:Blob", failure.Key);
        Assert.Equal(Kamus.Client.KamusErrorKind.PayloadTooLarge, failure.Kind);
        Assert.Contains("was not read", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, client.CallCount);
    }

    [Fact]
    public void A_file_at_the_size_limit_is_read()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "ApiKey"), "ct-api" + new string(' ', 1024 * 1024 + 64 - 6));

        var configuration = new ConfigurationBuilder()
            .AddKamusFiles(_folder.FullName, o => o.Client = new InMemoryKamusClient().Add("ct-api", "api"))
            .Build();

        Assert.Equal("api", configuration["ApiKey"]);
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
