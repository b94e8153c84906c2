// The Kamus for .NET sample: the GitOps flow on one machine.
// appsettings.json holds secrets encrypted (with the development server's well-known key) for the service account
// shop:orders-api. AddKamus decrypts them at startup, into memory only; options are bound and validated; one value
// encrypted for another service account (shop:billing-api) is refused with a clear message.
using System.Diagnostics;
using Kamus.Client;
using Kamus.Client.Tokens;
using Kamus.Configuration;
using Kamus.Sample;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

const string Token = "sample-orders-api-token"; // dev-tokens.json maps it to shop:orders-api
const string RefusedKey = "Billing:ApiKey";

try
{
    var externalUrl = Environment.GetEnvironmentVariable(KamusClientOptions.UrlVariable);
    await using var server = string.IsNullOrWhiteSpace(externalUrl) ? await InProcessDevelopmentServer.StartAsync() : null;
    var url = server?.Url ?? new Uri(externalUrl!);

    if (args.Contains("--encrypt"))
    {
        return await SampleSecrets.PrintEncryptedAsync(url);
    }

    Console.WriteLine("Kamus sample: appsettings.json -> AddKamus -> options");
    Console.WriteLine(server is null
        ? $"  server       {url} (KAMUS_URL), token from TOKEN_FILE_PATH"
        : $"  server       {url} (in-process, development mode: well-known INSECURE key, static tokens)");

    using var calls = new RemoteCallCounter();
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
    {
        Args = args,
        ContentRootPath = AppContext.BaseDirectory,
        EnvironmentName = Environments.Production,
    });
    builder.Logging.SetMinimumLevel(LogLevel.Warning);

    KamusConfigurationException? refusal = null;
    var clock = Stopwatch.StartNew();
    builder.AddKamus(kamus =>
    {
        kamus.Url = url;

        // The sample prints its own summary; without a logger factory the provider writes its warnings to stderr.
        kamus.LoggerFactory = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        if (server is not null)
        {
            kamus.TokenSource = new StaticTokenSource(Token);
        }

        // Only the value meant for another service account may fail; anything else fails Build() as usual.
        kamus.OnLoadException = context =>
        {
            refusal = context.Exception;
            context.Ignore = context.Exception.Failures.All(f => f.Key == RefusedKey && f.Kind == KamusErrorKind.Forbidden);
        };
    });
    clock.Stop();

    builder.Services.AddOptions<OrdersOptions>()
        .BindConfiguration(OrdersOptions.SectionName)
        .ValidateDataAnnotations()
        .ValidateKamusSecrets(OrdersOptions.SectionName)
        .ValidateOnStart();

    using var host = builder.Build();
    await host.StartAsync(); // runs ValidateOnStart
    var provider = ((IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>()).Providers.OfType<KamusConfigurationProvider>().Single();
    var options = host.Services.GetRequiredService<IOptions<OrdersOptions>>().Value;

    Console.WriteLine($"  decrypted    {provider.DecryptedKeys.Count} keys: {string.Join(", ", provider.DecryptedKeys.Order(StringComparer.Ordinal))}");
    Console.WriteLine($"  remote calls {calls.Count} (one batch; the orders-api values share one envelope data key)");
    Console.WriteLine($"  time         {clock.ElapsedMilliseconds} ms (AddKamus: load and decrypt)");
    Console.WriteLine($"  options      OrdersOptions valid: {options}");
    Console.WriteLine($"  refused      {refusal?.Failures.Single().ToString() ?? "(nothing: unexpected)"}");
    await host.StopAsync();

    if (refusal is null)
    {
        Console.Error.WriteLine($"Unexpected: {RefusedKey} was not refused.");
        return 1;
    }

    Console.WriteLine("OK: secrets decrypted into memory only; nothing written to disk.");
    return 0;
}
catch (Exception exception) when (exception is KamusException or KamusConfigurationException or OptionsValidationException or HttpRequestException or IOException)
{
    Console.Error.WriteLine($"Kamus sample failed: {exception.GetType().Name}: {exception.Message}");
    return 1;
}
