using Kamus.Client;

namespace Kamus.Sample;

/// <summary>
/// How appsettings.json's ciphertexts were made (<c>dotnet run --project samples/Kamus.Sample -- --encrypt</c>): one
/// <c>/api/v2/encrypt</c> batch for shop:orders-api, so the values share one envelope data key, plus one value for
/// shop:billing-api. Encrypting needs no token. The plaintexts are fake development values.
/// </summary>
internal static class SampleSecrets
{
    public static async Task<int> PrintEncryptedAsync(Uri url)
    {
        using var client = new KamusClient(new KamusClientOptions { Url = url, TokenFilePath = "/nonexistent" });
        var orders = await client.EncryptManyAsync("orders-api", "shop", new Dictionary<string, string>
        {
            ["Orders:Database"] = "Host=orders-db;Database=orders;Username=orders;Password=dev-only-Pa55w0rd",
            ["Orders:PaymentsApiKey"] = "pk_dev_0123456789abcdef0123",
            ["Orders:WebhookSigningKey"] = "whsec_dev_5f3c1e9a7b",
        });
        var billing = await client.EncryptManyAsync("billing-api", "shop", new Dictionary<string, string>
        {
            ["Billing:ApiKey"] = "bk_dev_for_billing_only",
        });
        foreach (var (key, ciphertext) in orders.Concat(billing))
        {
            Console.WriteLine($"{key} = kamus:{ciphertext}");
        }

        return 0;
    }
}
