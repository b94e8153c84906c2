using System.Globalization;

namespace Kamus.Testing.Metrics;

/// <summary>
/// A parsed Prometheus text exposition (format 0.0.4): one sample per line, <c>name{label="value",...} number</c>.
/// Enough for assertions; comments (<c># HELP</c>, <c># TYPE</c>) are kept only as the set of declared metric families.
/// </summary>
public sealed class PrometheusScrape
{
    private PrometheusScrape(IReadOnlyList<Sample> samples, IReadOnlySet<string> families)
    {
        Samples = samples;
        Families = families;
    }

    /// <summary>Every sample.</summary>
    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>The metric family names declared by <c># TYPE</c> lines.</summary>
    public IReadOnlySet<string> Families { get; }

    /// <summary>Whether a sample or family is called <paramref name="name"/>.</summary>
    public bool Has(string name) => Families.Contains(name) || Samples.Any(s => s.Name == name);

    /// <summary>The sum of the samples called <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    /// <summary>Scrapes <c>GET /metrics</c> from <paramref name="http"/>'s base address.</summary>
    /// <exception cref="InvalidOperationException">The endpoint did not answer 200 with <c>text/plain</c>.</exception>
    public static async Task<PrometheusScrape> FromAsync(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var response = await http.GetAsync(new Uri("metrics", UriKind.Relative)).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType != "text/plain")
        {
            throw new InvalidOperationException($"/metrics answered {(int)response.StatusCode} {response.Content.Headers.ContentType}: {body}");
        }

        return Parse(body);
    }

    /// <summary>Parses an exposition.</summary>
    public static PrometheusScrape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<Sample>();
        var families = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                families.Add(line.Split(' ')[2]);
                continue;
            }

            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            samples.Add(ParseSample(line));
        }

        return new PrometheusScrape(samples, families);
    }

    private static Sample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        string name;
        string rest;
        if (brace < 0)
        {
            name = line[..line.IndexOf(' ', StringComparison.Ordinal)];
            rest = line[name.Length..];
        }
        else
        {
            name = line[..brace];
            var close = line.LastIndexOf('}');
            foreach (var pair in SplitLabels(line[(brace + 1)..close]))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                labels[pair[..eq]] = pair[(eq + 2)..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            }

            rest = line[(close + 1)..];
        }

        var value = rest.Trim().Split(' ')[0];
        return new Sample(name, labels, value switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => double.Parse(value, CultureInfo.InvariantCulture),
        });
    }

    // Label values may hold commas inside their quotes.
    private static IEnumerable<string> SplitLabels(string body)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '\\')
            {
                i++;
            }
            else if (body[i] == '"')
            {
                quoted = !quoted;
            }
            else if (body[i] == ',' && !quoted)
            {
                yield return body[start..i];
                start = i + 1;
            }
        }

        if (start < body.Length)
        {
            yield return body[start..];
        }
    }

    /// <summary>One sample.</summary>
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
