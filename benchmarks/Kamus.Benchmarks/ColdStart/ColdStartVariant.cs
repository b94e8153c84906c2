namespace Kamus.Benchmarks.ColdStart;

/// <summary>The fresh-process variants of the cold-start suite, each one app started once per measurement.</summary>
public enum ColdStartVariant
{
    /// <summary>Console: <c>AddJsonFile</c> (10 plain values) + <c>Build()</c>, read in full.</summary>
    PlainN10,

    /// <summary>Console: plain + the token file + one raw HttpClient POST to <c>/api/v1/decrypt</c> + one AES-GCM call.</summary>
    FloorN10,

    /// <summary>Console: <c>AddJsonFile</c> + <c>AddKamus()</c> + <c>Build()</c>, 10 values of one envelope bundle.</summary>
    BundleN10,

    /// <summary>Console: the same with 10 independent <c>k2.</c> values (one <c>/api/v2/decrypt</c> batch).</summary>
    ValuesN10,

    /// <summary>Console: plain, 1,000 values.</summary>
    PlainN1000,

    /// <summary>Console: the floor, 1,000 plain values.</summary>
    FloorN1000,

    /// <summary>Console: <c>AddKamus()</c>, 1,000 values of one envelope bundle.</summary>
    BundleN1000,

    /// <summary>Console: <c>AddKamus()</c>, 1,000 independent values.</summary>
    ValuesN1000,

    /// <summary>Console: <see cref="BundleN10"/> with the Kamus assemblies ReadyToRun (linux-x64), as the packages ship them (build/ReadyToRun.targets).</summary>
    BundleN10ReadyToRun,

    /// <summary>Console: <see cref="BundleN1000"/> with the Kamus assemblies ReadyToRun.</summary>
    BundleN1000ReadyToRun,

    /// <summary>Console: <see cref="ValuesN1000"/> with the Kamus assemblies ReadyToRun.</summary>
    ValuesN1000ReadyToRun,

    /// <summary>Console: eight consecutive plain builds of 1,000 values (the later ones' median is the figure).</summary>
    RepeatPlainN1000,

    /// <summary>Console: eight consecutive <c>AddKamus()</c> builds of a 1,000-value bundle, each with a new client.</summary>
    RepeatBundleN1000,

    /// <summary>Console: <see cref="RepeatBundleN1000"/> with the Kamus assemblies ReadyToRun.</summary>
    RepeatBundleN1000ReadyToRun,

    /// <summary>
    /// Console: the init container's way in a warm process, one keep-alive <c>POST /api/v1/decrypt</c> per value of the
    /// 1,000 independent values, in four passes (the later ones' median is the figure: the "50×" target's baseline).
    /// </summary>
    RepeatLoopN1000,

    /// <summary>ASP.NET Core: <c>WebApplication.CreateBuilder</c> + options bound to 10 plain values + <c>Build()</c>.</summary>
    WebPlainN10,

    /// <summary>ASP.NET Core: the same with <c>AddKamus()</c> and <c>ValidateKamusSecrets</c>, 10 values of one bundle.</summary>
    WebKamusN10,

    /// <summary>ASP.NET Core: <see cref="WebKamusN10"/> with the Kamus assemblies ReadyToRun.</summary>
    WebKamusN10ReadyToRun,
}
