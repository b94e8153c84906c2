using Kamus.Testing.Kms;

namespace Kamus.CloudKms.Tests.GoogleKms;

/// <summary>
/// One Google Cloud KMS stand-in for the whole test run, and <c>GOOGLE_APPLICATION_CREDENTIALS</c> pointing at a
/// service-account key file whose <c>token_uri</c> is the stand-in's token endpoint. Google.Apis.Auth resolves
/// Application Default Credentials once per process, so every test that goes through ADC shares this fixture; each
/// test gets key rings of its own.
/// </summary>
public sealed class GoogleKmsFixture : IAsyncLifetime
{
    public const string Project = "kamus-tests";
    public const string Location = "europe-west1";
    private const string CredentialsVariable = "GOOGLE_APPLICATION_CREDENTIALS";
    private DirectoryInfo _directory = null!;
    private int _rings;

    public GoogleKmsStandIn Kms { get; private set; } = null!;

    /// <summary>The key file Application Default Credentials read.</summary>
    public string KeyFile { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Kms = await GoogleKmsStandIn.StartAsync();
        _directory = Directory.CreateTempSubdirectory("kamus-gcp-");
        KeyFile = Path.Combine(_directory.FullName, "adc.json");
        Kms.WriteServiceAccountKey(KeyFile, Project);
        System.Environment.SetEnvironmentVariable(CredentialsVariable, KeyFile);
    }

    /// <summary>A path in the fixture's directory (deleted at the end).</summary>
    public string PathFor(string name) => Path.Combine(_directory.FullName, name);

    /// <summary>A fresh key ring, as <c>gcloud kms keyrings create</c> would make it.</summary>
    public string NewKeyRing()
    {
        var name = $"ring-{Interlocked.Increment(ref _rings)}";
        Kms.CreateKeyRing(Project, Location, name);
        return name;
    }

    /// <summary>The resource name of a key ring.</summary>
    public static string KeyRingPath(string keyRing) => $"projects/{Project}/locations/{Location}/keyRings/{keyRing}";

    /// <summary>The environment of a server using <paramref name="keyRing"/>; credentials come from ADC.</summary>
    public Dictionary<string, string> Environment(string keyRing) => new()
    {
        ["KeyManagement__Provider"] = "GoogleKms",
        ["KeyManagement__GoogleKms__ProjectId"] = Project,
        ["KeyManagement__GoogleKms__Location"] = Location,
        ["KeyManagement__GoogleKms__KeyRingName"] = keyRing,
        ["KeyManagement__GoogleKms__Endpoint"] = Kms.Url.ToString(),
    };

    public async Task DisposeAsync()
    {
        System.Environment.SetEnvironmentVariable(CredentialsVariable, null);
        _directory.Delete(recursive: true);
        await Kms.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class GoogleKmsGroup : ICollectionFixture<GoogleKmsFixture>
{
    public const string Name = "Google Cloud KMS (one ADC per process)";
}
