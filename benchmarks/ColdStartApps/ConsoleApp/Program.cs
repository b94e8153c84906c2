using System.Diagnostics;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Kamus.ColdStart;
using Microsoft.Extensions.Configuration;

// One cold start: `<app> plain|floor|kamus <appsettings.json> [<ciphertext to POST, floor only>]`, with KAMUS_URL and
// TOKEN_FILE_PATH set as in a pod. Each variant lives in its own method, so that a variant loads only what it uses.
using var jitLog = JitLog.StartIfAsked();
var start = ProbeReport.Start();

var root = args[0] switch
{
    "plain" => Variants.Plain(args[1]),
    "floor" => Variants.Floor(args[1], args[2]),
    "kamus" => Variants.Kamus(args[1]),
    "repeat-plain" => Variants.Repeat(args[1], kamus: false),
    "repeat-kamus" => Variants.Repeat(args[1], kamus: true),
    "repeat-loop" => Variants.RepeatLoop(args[1]),
    _ => throw new ArgumentException("Unknown variant " + args[0]),
};

// "The configuration then read in full": every key and value, as an app binding all of it would.
long characters = 0;
foreach (var (_, value) in root.AsEnumerable())
{
    characters += value?.Length ?? 0;
}

ProbeReport.Write(start, root.AsEnumerable(), Variants.LaterBuildMs);
jitLog?.Write();
return characters > 0 ? 0 : 1;

internal static class Variants
{
    /// <summary>Plain configuration: the JSON file and nothing else.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IConfigurationRoot Plain(string file) => new ConfigurationBuilder().AddJsonFile(file).Build();

    /// <summary>
    /// The floor of what decrypting needs: plain configuration, the token file, one raw HttpClient POST to
    /// /api/v1/decrypt (its body concatenated, no serializer) and one AES-GCM call.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IConfigurationRoot Floor(string file, string ciphertext)
    {
        var root = new ConfigurationBuilder().AddJsonFile(file).Build();
        var token = File.ReadAllText(Environment.GetEnvironmentVariable("TOKEN_FILE_PATH")!).Trim();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(Environment.GetEnvironmentVariable("KAMUS_URL")!), "api/v1/decrypt"));
        request.Content = new StringContent("{\"data\":\"" + ciphertext + "\"}", Encoding.UTF8, "application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = http.SendAsync(request).GetAwaiter().GetResult();
        var plaintext = response.EnsureSuccessStatusCode().Content.ReadAsStringAsync().GetAwaiter().GetResult();

        Span<byte> key = stackalloc byte[32];
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> tag = stackalloc byte[16];
        var sealedText = new byte[plaintext.Length];
        using (var gcm = new AesGcm(key, tag.Length))
        {
            gcm.Encrypt(nonce, Encoding.UTF8.GetBytes(plaintext), sealedText, tag);
        }

        // The decrypted value joins the configuration under its own key, so the digest proves the call worked.
        root["Floor:Decrypted"] = plaintext;
        return root;
    }

    /// <summary>AddKamus: the JSON file's kamus: values decrypted, settings from KAMUS_URL and TOKEN_FILE_PATH.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IConfigurationRoot Kamus(string file) => new ConfigurationBuilder().AddJsonFile(file).AddKamus().Build();

    /// <summary>For the repeat variants: the median time of the builds after the first.</summary>
    public static double? LaterBuildMs { get; private set; }

    /// <summary>
    /// Eight consecutive builds, the one before disposed (with AddKamus: a new client and connection each time): are
    /// the warm figures there from the second build on, not only at steady state? Each build is timed alone, as the
    /// warm suite times it; the read in full that follows (the same for every variant, and for 1,000 keys far longer
    /// than a build: <c>GetChildren</c> scans every key per section) is done but not timed.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IConfigurationRoot Repeat(string file, bool kamus)
    {
        const int Builds = 8;
        var times = new double[Builds];
        IConfigurationRoot? root = null;
        for (var i = 0; i < Builds; i++)
        {
            (root as IDisposable)?.Dispose();
            var started = Stopwatch.GetTimestamp();
            var builder = new ConfigurationBuilder().AddJsonFile(file);
            root = (kamus ? builder.AddKamus() : builder).Build();
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            foreach (var (_, value) in root.AsEnumerable())
            {
                _ = value;
            }
        }

        LaterBuildMs = MedianAfterFirst(times);
        return root!;
    }

    /// <summary>
    /// The baseline of the warm target "at least 50× faster": the init container's way in a warm process, one
    /// <c>POST /api/v1/decrypt</c> per value, one after another, on one keep-alive connection, each plaintext put into
    /// the configuration. Four passes; the figure is the median of the passes after the first.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IConfigurationRoot RepeatLoop(string file)
    {
        const int Passes = 4;
        var times = new double[Passes];
        var root = new ConfigurationBuilder().AddJsonFile(file).Build();
        var encrypted = root.AsEnumerable().Where(p => p.Value?.StartsWith("kamus:", StringComparison.Ordinal) == true).ToArray();
        var token = File.ReadAllText(Environment.GetEnvironmentVariable("TOKEN_FILE_PATH")!).Trim();
        var decrypt = new Uri(new Uri(Environment.GetEnvironmentVariable("KAMUS_URL")!), "api/v1/decrypt");
        using var http = new HttpClient();
        for (var pass = 0; pass < Passes; pass++)
        {
            var started = Stopwatch.GetTimestamp();
            foreach (var (key, value) in encrypted)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, decrypt);
                request.Content = new StringContent("{\"data\":\"" + value!["kamus:".Length..] + "\"}", Encoding.UTF8, "application/json");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = http.SendAsync(request).GetAwaiter().GetResult();
                root[key] = response.EnsureSuccessStatusCode().Content.ReadAsStringAsync().GetAwaiter().GetResult();
            }

            times[pass] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        LaterBuildMs = MedianAfterFirst(times);
        return root;
    }

    private static double MedianAfterFirst(double[] times)
    {
        var later = times[1..];
        Array.Sort(later);
        return (later[(later.Length - 1) / 2] + later[later.Length / 2]) / 2;
    }
}
