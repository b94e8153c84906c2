using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Kamus.Client;
using Kamus.Wire.Identity;
using Kamus.Reliability.Tests.Support;

namespace Kamus.Reliability.Tests.BadInput;

/// <summary>
/// Generated namespace and service-account names, checked against the Kubernetes rules written independently as
/// regular expressions: the shared validator agrees, the client refuses invalid names before sending anything, and the
/// server answers 400 for them.
/// </summary>
public sealed partial class KubernetesNameTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Alphabet = "abcz09-.-A_:/ é\u0000";
    private KamusSystem _system = null!;

    public async Task InitializeAsync() => _system = await KamusSystem.StartAsync();

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Names_are_accepted_exactly_when_kubernetes_accepts_them_by_the_validator_the_client_and_the_server()
    {
        var count = ReliabilityMode.Count(ci: 20_000, longMode: 200_000);
        var http = ReliabilityMode.Count(ci: 300, longMode: 10_000);
        var random = ReliabilityMode.Generator(nameof(KubernetesNameTests));
        var names = Enumerable.Range(0, count).Select(_ => Name(random)).ToArray();
        var valid = 0;
        foreach (var name in names)
        {
            var isLabel = name.Length <= 63 && Label().IsMatch(name);
            var isSubdomain = name.Length <= 253 && name.Split('.').All(l => l.Length <= 63 && Label().IsMatch(l));
            Assert.True(isLabel == KubernetesNames.IsValidNamespace(name), $"namespace [{name}] {ReliabilityMode.Replay}");
            Assert.True(isSubdomain == KubernetesNames.IsValidServiceAccountName(name), $"service account [{name}] {ReliabilityMode.Replay}");
            valid += isLabel ? 1 : 0;
        }

        using var client = _system.Client("unused", o => o.MaxRetryAttempts = 0);
        using var raw = _system.Host.CreateHttpClient();
        var problems = new ConcurrentQueue<string>();
        var sent = 0;
        await Parallel.ForAsync(0, http, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, cancellationToken) =>
        {
            var ns = names[i];
            var sa = names[(i * 7 + 1) % names.Length];
            var ok = KubernetesNames.IsValidNamespace(ns) && KubernetesNames.IsValidServiceAccountName(sa) && sa != "default";
            try
            {
                await client.EncryptAsync("x", sa, ns, cancellationToken);
                if (!ok)
                {
                    problems.Enqueue($"client accepted [{ns}]:[{sa}]");
                }
            }
            catch (KamusException e) when (!ok && e.Kind == KamusErrorKind.InvalidRequest)
            {
            }

            using var response = await raw.PostAsJsonAsync("api/v1/encrypt", new Dictionary<string, string> { ["data"] = "x", ["service-account"] = sa, ["namespace"] = ns }, cancellationToken);
            Interlocked.Increment(ref sent);
            if ((int)response.StatusCode != (ok ? 200 : 400))
            {
                problems.Enqueue($"server answered {(int)response.StatusCode} for [{ns}]:[{sa}]");
            }
        });

        Figures.Record(output, "Kubernetes names", $"{count} generated names ({valid} valid namespaces) agree with the regex rules; {sent} pairs sent raw to /api/v1/encrypt and through the client; problems {problems.Count}");
        Assert.True(problems.IsEmpty, string.Join('\n', problems.Take(10)) + "\n" + ReliabilityMode.Replay);
    }

    private static string Name(Random random)
    {
        var length = random.Next(10) switch
        {
            0 => 60 + random.Next(8),
            1 => 250 + random.Next(8),
            _ => random.Next(1, 12),
        };
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(random.Next(4) == 0 ? Alphabet[random.Next(Alphabet.Length)] : (char)('a' + random.Next(3)));
        }

        return text.ToString();
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Label();
}
