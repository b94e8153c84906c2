using Kamus.Wire.Formats;

namespace Kamus.Reliability.Tests.Support;

/// <summary>
/// One valid ciphertext of every format for one identity, made by the real servers, with its plaintext (empty for the
/// bare wrapped keys, which decrypt to base64 of a random data key).
/// </summary>
internal sealed record Original(CiphertextFormat Format, string Ciphertext, string Plaintext)
{
    public bool IsWrappedKey => Plaintext.Length == 0;

    public string Name => IsWrappedKey ? (Format == CiphertextFormat.V2WrappedKey ? "v2 wrapped key" : "upstream envelope wrapped key") : Format switch
    {
        CiphertextFormat.UpstreamAes => "upstream derived value",
        CiphertextFormat.UpstreamEnvelope => "upstream envelope",
        CiphertextFormat.V2Value => "v2 value",
        _ => "v2 envelope",
    };
}

/// <summary>Makes <see cref="Original"/>s: a v2 server and an upstream-format server sharing one Kubernetes stand-in.</summary>
internal sealed class FormatServers : IAsyncDisposable
{
    private FormatServers(KamusSystem v2, KamusSystem upstream)
    {
        V2 = v2;
        Upstream = upstream;
    }

    /// <summary>Writes v2 values and envelopes; reads every format.</summary>
    public KamusSystem V2 { get; }

    /// <summary>Writes the upstream formats (derived keys).</summary>
    public KamusSystem Upstream { get; }

    public static async Task<FormatServers> StartAsync(Action<Testing.KamusServerHostOptions>? configure = null)
    {
        var v2 = await KamusSystem.StartAsync(configure);
        try
        {
            var upstream = new KamusSystem.Shared(v2.StandIn);
            return new FormatServers(v2, await upstream.StartAsync(o =>
            {
                o.Settings["Kamus:Encryption:Format"] = "Upstream";
                configure?.Invoke(o);
            }));
        }
        catch
        {
            await v2.DisposeAsync();
            throw;
        }
    }

    /// <summary>A ciphertext of every format for <paramref name="namespace"/>:<paramref name="serviceAccount"/>.</summary>
    public async Task<IReadOnlyList<Original>> MakeAsync(string @namespace, string serviceAccount, string plaintext)
    {
        using var v2 = V2.Client("encrypt-needs-no-token");
        using var upstream = Upstream.Client("encrypt-needs-no-token");
        var v2Value = await v2.EncryptAsync(plaintext, serviceAccount, @namespace);
        var v2Envelope = (await v2.EncryptManyAsync(serviceAccount, @namespace, new Dictionary<string, string> { ["x"] = plaintext }))["x"];
        var upstreamValue = await upstream.EncryptAsync(plaintext, serviceAccount, @namespace);
        var upstreamEnvelope = (await upstream.EncryptManyAsync(serviceAccount, @namespace, new Dictionary<string, string> { ["x"] = plaintext }))["x"];
        return
        [
            new(CiphertextFormat.V2Value, v2Value, plaintext),
            new(CiphertextFormat.V2Envelope, v2Envelope, plaintext),
            new(CiphertextFormat.V2WrappedKey, CiphertextParser.Parse(v2Envelope).WrappedKey!, string.Empty),
            new(CiphertextFormat.UpstreamAes, upstreamValue, plaintext),
            new(CiphertextFormat.UpstreamEnvelope, upstreamEnvelope, plaintext),
            new(CiphertextFormat.UpstreamAes, CiphertextParser.Parse(upstreamEnvelope).WrappedKey!, string.Empty),
        ];
    }

    public async ValueTask DisposeAsync()
    {
        await Upstream.DisposeAsync();
        await V2.DisposeAsync();
    }
}
