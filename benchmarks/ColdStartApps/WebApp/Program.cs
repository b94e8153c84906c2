using System.Runtime.CompilerServices;
using Kamus.ColdStart;
using Microsoft.Extensions.Options;

// One cold start: `<app> plain|kamus <content root>` (its appsettings.json holds the App section), with KAMUS_URL and
// TOKEN_FILE_PATH set as in a pod: WebApplication.CreateBuilder, options bound to the App section, Build(), the options
// read. The app is not disposed: a started app keeps its configuration.
using var jitLog = JitLog.StartIfAsked();
var start = ProbeReport.Start();

var secrets = args[0] switch
{
    "plain" => Variants.Plain(args[1]),
    "kamus" => Variants.Kamus(args[1]),
    _ => throw new ArgumentException("Unknown variant " + args[0]),
};

ProbeReport.Write(start, secrets.Pairs());
jitLog?.Write();
return 0;

internal static class Variants
{
    /// <summary>CreateBuilder, options bound to plain values, Build().</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static AppSecrets Plain(string contentRoot)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = contentRoot });
        builder.Services.AddOptions<AppSecrets>().BindConfiguration("App");
        var app = builder.Build();
        return app.Services.GetRequiredService<IOptions<AppSecrets>>().Value;
    }

    /// <summary>The same with AddKamus() and ValidateKamusSecrets.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static AppSecrets Kamus(string contentRoot)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = contentRoot });
        builder.AddKamus();
        builder.Services.AddOptions<AppSecrets>().BindConfiguration("App").ValidateKamusSecrets("App");
        var app = builder.Build();
        return app.Services.GetRequiredService<IOptions<AppSecrets>>().Value;
    }
}

/// <summary>The bound options: ten secrets, as the suite's N = 10 files hold.</summary>
internal sealed class AppSecrets
{
    public string? Secret0000 { get; set; }
    public string? Secret0001 { get; set; }
    public string? Secret0002 { get; set; }
    public string? Secret0003 { get; set; }
    public string? Secret0004 { get; set; }
    public string? Secret0005 { get; set; }
    public string? Secret0006 { get; set; }
    public string? Secret0007 { get; set; }
    public string? Secret0008 { get; set; }
    public string? Secret0009 { get; set; }

    /// <summary>The bound values as configuration pairs, for the report's digest (read after the clock stopped).</summary>
    public IEnumerable<KeyValuePair<string, string?>> Pairs() =>
        typeof(AppSecrets).GetProperties().Select(p => new KeyValuePair<string, string?>("App:" + p.Name, (string?)p.GetValue(this)));
}
