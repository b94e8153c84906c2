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

    public void Dispose() => _folder.Delete(recursive: true);
}
