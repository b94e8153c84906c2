using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kamus.Configuration.Internal;

/// <summary>
/// Runs first when the host starts (<c>app.Run()</c>): fails with a <see cref="KamusConfigurationException"/> naming
/// every key whose final value is still a ciphertext, or only warns when the Kamus settings say <c>Optional</c>.
/// </summary>
internal sealed class FinalConfigurationCheck(IConfiguration configuration, KamusConfigurationOptions options, ILogger<FinalConfigurationCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var found = StillEncryptedValues.Find(configuration, options.MarkerPrefix);
        if (found.Count == 0)
        {
            return Task.CompletedTask;
        }

        var error = new KamusConfigurationException(found, "values added after AddKamus()");
        if (!KamusSettings.Resolve(options, key => configuration[key]).Optional)
        {
            throw error;
        }

        foreach (var failure in found)
        {
            KamusConfigurationLog.StillEncrypted(logger, failure.Key, failure.Fingerprint);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
