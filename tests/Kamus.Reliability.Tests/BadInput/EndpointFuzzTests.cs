using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Kamus.Reliability.Tests.Support;

namespace Kamus.Reliability.Tests.BadInput;

/// <summary>
/// Generated request bodies (byte edits of valid bodies, invalid UTF-8, wrong types, odd escapes) for the four JSON
/// endpoints, plus deeply nested and oversized JSON: every answer is a typed status with a short text, never a 500,
/// never a stack trace.
/// </summary>
public sealed class EndpointFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Paths = ["/api/v1/encrypt", "/api/v2/encrypt", "/api/v1/decrypt", "/api/v2/decrypt"];
    private static readonly byte[][] Fragments =
    [
        [0xC0], [0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x00],
        "\\ud800"u8.ToArray(), "\\udc00\\ud800"u8.ToArray(), "\\u0000"u8.ToArray(), "\\x41"u8.ToArray(),
        "null"u8.ToArray(), "1e999"u8.ToArray(), "-0"u8.ToArray(), "[]"u8.ToArray(), "{}"u8.ToArray(), "true"u8.ToArray(),
        "\"items\":{}"u8.ToArray(), "\"data\":1"u8.ToArray(), ","u8.ToArray(), "\""u8.ToArray(), "}"u8.ToArray(), "]"u8.ToArray(),
        "/*c*/"u8.ToArray(), "\"namespace\":\"default\""u8.ToArray(), "\"service-account\":\"default\""u8.ToArray(),
    ];

    private const string Punctuation = "{}[]\",:\\ 0a-";

    private KamusSystem _system = null!;
    private HttpClient _http = null!;
    private string _token = null!;
    private byte[][] _validBodies = null!;

    public async Task InitializeAsync()
    {
        _system = await KamusSystem.StartAsync();
        _token = _system.TokenFor("fuzz", "app");
        _http = _system.Host.CreateHttpClient();
        using var client = _system.Client(_token);
        var value = await client.EncryptAsync("endpoint-fuzz", "app", "fuzz");
        var envelope = (await client.EncryptManyAsync("app", "fuzz", new Dictionary<string, string> { ["a"] = "endpoint-fuzz" }))["a"];
        _validBodies =
        [
            Encoding.UTF8.GetBytes("{\"data\":\"secret\",\"service-account\":\"app\",\"namespace\":\"fuzz\"}"),
            Encoding.UTF8.GetBytes("{\"service-account\":\"app\",\"namespace\":\"fuzz\",\"items\":{\"a\":\"x\",\"b\":\"y\"}}"),
            Encoding.UTF8.GetBytes($"{{\"data\":\"{value}\"}}"),
            Encoding.UTF8.GetBytes($"{{\"items\":[\"{value}\",\"{envelope}\"]}}"),
        ];
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _system.DisposeAsync();
    }

    [Fact]
    public async Task Generated_bodies_get_typed_statuses_and_short_answers_never_a_500()
    {
        var count = ReliabilityMode.Count(ci: 1_200, longMode: 100_000);
        var random = ReliabilityMode.Generator(nameof(Generated_bodies_get_typed_statuses_and_short_answers_never_a_500));
        var bodies = Enumerable.Range(0, count).Select(_ =>
        {
            var endpoint = random.Next(Paths.Length);
            return (endpoint, Mutate(random, _validBodies[endpoint]), random.Next(8) != 0);
        }).ToArray();
        var statuses = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var problems = new ConcurrentQueue<string>();

        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
        {
            var (endpoint, body, withToken) = bodies[i];
            var (status, text) = await PostAsync(Paths[endpoint], body, withToken, cancellationToken);
            statuses.AddOrUpdate($"{Paths[endpoint]} {status}", 1, (_, n) => n + 1);
            if (!Answers.Allowed.Contains(status) || (status != 200 && !Answers.IsCleanError(text)))
            {
                problems.Enqueue($"#{i} {Paths[endpoint]} -> {status} {text[..Math.Min(text.Length, 200)]} body={Convert.ToHexString(body.AsSpan(0, Math.Min(body.Length, 80)))}");
            }
        });

        Figures.Record(output, "JSON endpoint fuzz", $"{count} bodies: {string.Join(", ", statuses.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}"))}; problems {problems.Count}");
        Assert.True(problems.IsEmpty, string.Join('\n', problems.Take(10)) + "\n" + ReliabilityMode.Replay);
        Assert.DoesNotContain(_system.Host.Logs.GetSnapshot(), r => r.Message.StartsWith("Unexpected", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(100_000)]
    public async Task Deeply_nested_json_is_refused_with_400_on_every_endpoint(int depth)
    {
        var nested = new StringBuilder();
        nested.Append("{\"data\":").Append('[', depth).Append(']', depth).Append(",\"items\":").Append('[', depth).Append(']', depth).Append('}');
        var objects = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            objects.Append("{\"items\":");
        }

        objects.Append("null").Append('}', depth);
        foreach (var body in new[] { nested.ToString(), objects.ToString() })
        {
            foreach (var path in Paths)
            {
                var (status, text) = await PostAsync(path, Encoding.UTF8.GetBytes(body), withToken: true, CancellationToken.None);
                Assert.True(status is 400 or 413, $"{path} depth {depth}: {status} {text}");
                Assert.True(Answers.IsCleanError(text), text);
            }
        }
    }

    [Fact]
    public async Task Oversized_json_is_refused_with_413_on_every_endpoint_and_the_server_keeps_serving()
    {
        var huge = Encoding.UTF8.GetBytes("{\"data\":\"" + new string('A', 3 * 1024 * 1024) + "\"}");
        foreach (var path in Paths)
        {
            var (status, text) = await PostAsync(path, huge, withToken: true, CancellationToken.None);
            Assert.Equal(413, status);
            Assert.True(Answers.IsCleanError(text), text);
        }

        var (ok, _) = await PostAsync(Paths[2], _validBodies[2], withToken: true, CancellationToken.None);
        Assert.Equal(200, ok);
    }

    [Fact]
    public async Task Invalid_utf8_in_any_value_is_refused_with_400()
    {
        foreach (var (path, index) in Paths.Select((p, i) => (p, i)))
        {
            foreach (var bad in new byte[][] { [0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80] })
            {
                var body = _validBodies[index];
                var at = Array.IndexOf(body, (byte)':') + 3;
                var (status, text) = await PostAsync(path, [.. body[..at], .. bad, .. body[at..]], withToken: true, CancellationToken.None);
                Assert.True(status == 400, $"{path} {Convert.ToHexString(bad)}: {status} {text}");
            }
        }
    }

    private async Task<(int Status, string Text)> PostAsync(string path, byte[] body, bool withToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/')) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (withToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = new List<byte>(valid);
        var edits = 1 + random.Next(4);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(5))
            {
                case 0 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] = (byte)random.Next(256);
                    break;
                case 1 when bytes.Count > 0:
                    bytes.RemoveAt(Math.Min(at, bytes.Count - 1));
                    break;
                case 2:
                    bytes.InsertRange(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 3:
                    bytes.RemoveRange(at, random.Next(bytes.Count - at + 1));
                    break;
                default:
                    bytes.Insert(at, (byte)Punctuation[random.Next(Punctuation.Length)]);
                    break;
            }
        }

        return [.. bytes];
    }
}
