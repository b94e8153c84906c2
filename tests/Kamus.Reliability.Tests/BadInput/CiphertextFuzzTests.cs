using Kamus.Wire.Protocol;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Kamus.Client;
using Kamus.Wire.Crypto;
using Kamus.Wire.Identity;
using Kamus.Wire.Formats;
using Kamus.Reliability.Tests.Support;
using Kamus.KeyManagement.Ciphertexts;
using Microsoft.Extensions.DependencyInjection;

namespace Kamus.Reliability.Tests.BadInput;

/// <summary>
/// Generated bad ciphertexts of every format through every parser: the shared parser, the server's decryption, the
/// client's local envelope decryption, the server's batch endpoint through the client, and the CLI's inspect. The only
/// outcome allowed is a typed refusal; a changed v2 value never decrypts.
/// </summary>
public sealed class CiphertextFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly ServiceAccountIdentity Identity = new("fuzz", "app");
    private FormatServers _servers = null!;
    private IReadOnlyList<Original> _originals = null!;
    private HashSet<string> _valid = null!;

    public async Task InitializeAsync()
    {
        _servers = await FormatServers.StartAsync();
        _originals = await _servers.MakeAsync("fuzz", "app", "fuzz-plaintext-Zq81");
        _valid = [.. _originals.Select(o => o.Ciphertext), .. _originals.Where(o => o.Format.IsEnvelope()).Select(o => CiphertextParser.Parse(o.Ciphertext).WrappedKey!)];
    }

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Fact]
    public async Task Every_parser_and_the_server_decryption_refuse_generated_ciphertexts_with_a_typed_outcome()
    {
        var count = ReliabilityMode.Count(ci: 4_000, longMode: 150_000);
        var random = ReliabilityMode.Generator(nameof(Every_parser_and_the_server_decryption_refuse_generated_ciphertexts_with_a_typed_outcome));
        var mutator = new Mutator(random);
        var service = _servers.V2.Host.Services.GetRequiredService<CiphertextService>();
        using var dataKey = await UnwrapV2DataKeyAsync(service);
        var v2Envelope = _originals.Single(o => o.Format == CiphertextFormat.V2Envelope);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var localRefusals = 0;

        for (var i = 0; i < count; i++)
        {
            var original = _originals[random.Next(_originals.Count)];
            var input = mutator.Mutate(original.Ciphertext);
            var context = $"input #{i} from {original.Format} {ReliabilityMode.Replay}";

            // The shared parser (client, server, configuration and CLI all use it) never throws.
            var parsed = CiphertextParser.TryParse(input, out var value, out var reason);
            Assert.True(parsed ? value is not null : !string.IsNullOrEmpty(reason), context);
            Assert.True(reason is null || !reason.Contains(input, StringComparison.Ordinal) || input.Length < 8, $"a reason repeats the input [{input}] [{reason}]: " + context);

            // The server's decryption never throws and never accepts a changed v2 value.
            DecryptResult result;
            using (var scope = new DataKeyScope())
            {
                result = await service.DecryptAsync(Identity, input, scope);
            }

            // Surrounding whitespace is not part of a value (a ConfigMap's trailing newline): the value is unchanged.
            var isValid = _valid.Contains(input.Trim());
            if (result.Succeeded)
            {
                Assert.True(isValid || !input.StartsWith("k2", StringComparison.Ordinal), "a changed v2 value decrypted: " + context);
            }
            else
            {
                Assert.True(result.Error is WireErrorKind.InvalidCiphertext or WireErrorKind.Forbidden, $"{result}: {context}");
            }

            var key = result.Succeeded ? (isValid ? "accepted (unchanged value)" : "accepted (upstream, unauthenticated)") : result.Error.ToString();
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;

            // The client's local envelope decryption: a changed v2 payload under the right data key never opens.
            if (parsed && value!.Format == CiphertextFormat.V2Envelope && value.WrappedKey == CiphertextParser.Parse(v2Envelope.Ciphertext).WrappedKey && !isValid)
            {
                Assert.Throws<AuthenticationTagMismatchException>(() => dataKey.DecryptPayload(value));
                localRefusals++;
            }
        }

        Figures.Record(output, "ciphertext fuzz (parser + server decryption + local envelope decryption)", $"{count} inputs: {Describe(outcomes)}; local envelope refusals {localRefusals}; 0 exceptions");
    }

    [Fact]
    public async Task Generated_ciphertexts_through_the_client_and_the_batch_endpoint_get_typed_outcomes_never_a_5xx()
    {
        var count = ReliabilityMode.Count(ci: 1_500, longMode: 100_000);
        var mutator = new Mutator(ReliabilityMode.Generator(nameof(Generated_ciphertexts_through_the_client_and_the_batch_endpoint_get_typed_outcomes_never_a_5xx)));
        var token = _servers.V2.TokenFor("fuzz", "app");
        var inputs = Enumerable.Range(0, count).Select(_ => mutator.Mutate(_originals[mutator.Random.Next(_originals.Count)].Ciphertext)).ToArray();
        var kinds = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var problems = new ConcurrentQueue<string>();
        _servers.V2.Host.ResetCounts();

        await Parallel.ForAsync(0, (count + 249) / 250, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, cancellationToken) =>
        {
            var slice = inputs.Skip(batch * 250).Take(250).ToArray();
            using var client = _servers.V2.Client(token, o => o.MaxRetryAttempts = 0);
            var outcomes = await client.DecryptManyAsync(slice, cancellationToken);
            for (var i = 0; i < slice.Length; i++)
            {
                var outcome = outcomes[i];
                var kind = outcome.Succeeded ? "accepted" : outcome.ErrorKind!.Value.ToString();
                kinds.AddOrUpdate(kind, 1, (_, n) => n + 1);
                if (outcome.Succeeded ? !_valid.Contains(slice[i].Trim()) && slice[i].StartsWith("k2", StringComparison.Ordinal) : outcome.ErrorKind is not (KamusErrorKind.InvalidCiphertext or KamusErrorKind.Forbidden))
                {
                    problems.Enqueue($"batch {batch} item {i}: {outcome} {outcome.Error?.Message}");
                }
            }
        });

        var answers = _servers.V2.Host.RequestCount("/api/v2/decrypt");
        Figures.Record(output, "ciphertext fuzz through the client and /api/v2/decrypt", $"{count} inputs in {answers} requests: {Describe(kinds)}; problems {problems.Count}");
        Assert.True(problems.IsEmpty, string.Join('\n', problems.Take(10)) + "\n" + ReliabilityMode.Replay);
        Assert.DoesNotContain(_servers.V2.Host.Logs.GetSnapshot(), r => r.Message.StartsWith("Unexpected", StringComparison.Ordinal));
    }

    private async Task<DataKey> UnwrapV2DataKeyAsync(CiphertextService service)
    {
        using var scope = new DataKeyScope();
        var wrapped = _originals.Single(o => o.Format == CiphertextFormat.V2WrappedKey).Ciphertext;
        var answer = await service.DecryptAsync(Identity, wrapped, scope);
        Assert.True(DataKey.TryFromBase64(answer.Plaintext, out var key));
        return key!;
    }

    private static string Describe(IEnumerable<KeyValuePair<string, int>> counts) =>
        string.Join(", ", counts.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}"));
}
