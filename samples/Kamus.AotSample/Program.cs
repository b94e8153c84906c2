// The lean-client proof, run as a native AOT executable: KamusClient encrypts a value for a service account and
// decrypts it with that account's token, then AddKamus() decrypts the same ciphertext out of configuration.
// Settings come from the environment as in a pod: KAMUS_URL, and TOKEN_FILE_PATH naming the token file.
// It prints outcomes, never the secret; the exit code says whether every step matched.
using Kamus.AotSample;
using Kamus.Client;
using Kamus.Configuration;
using Microsoft.Extensions.Configuration;

const string ServiceAccount = "orders-api";
const string Namespace = "shop";
const string Key = "Orders:Database";

var secret = "aot-sample-" + Guid.NewGuid().ToString("N");
try
{
    using var client = new KamusClient(new KamusClientOptions());
    Console.WriteLine($"Kamus AOT sample: server {client.Url}, native AOT: {!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported}");

    var ciphertext = await client.EncryptAsync(secret, ServiceAccount, Namespace);
    var decrypted = await client.DecryptAsync(ciphertext);
    Report.Step("KamusClient encrypt + decrypt", decrypted == secret);

    var configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [Key] = "kamus:" + ciphertext })
        .AddKamus()
        .Build();
    using (configuration as IDisposable)
    {
        Report.Step("AddKamus", configuration[Key] == secret);
    }

    return Report.ExitCode;
}
catch (Exception e) when (e is KamusException or KamusConfigurationException)
{
    // Kamus errors name kinds, URLs and keys, never values.
    await Console.Error.WriteLineAsync("Kamus AOT sample failed: " + e.Message);
    return 1;
}
