using System.Net;
using Kamus.CloudKms.Tests.Support;
using Kamus.Testing.Kms;

namespace Kamus.CloudKms.Tests.GoogleKms;

/// <summary>
/// The issue's "done when" for Google Cloud KMS: the real server, configured by environment variables only, with
/// Application Default Credentials from <c>GOOGLE_APPLICATION_CREDENTIALS</c> (a service-account key whose token_uri is
/// the stand-in's OAuth endpoint) and the KMS REST API of the stand-in, decrypts what upstream made, encrypts and
/// decrypts its own values, refuses another service account, and creates the per-account CryptoKey under upstream's name.
/// </summary>
[Collection(GoogleKmsGroup.Name)]
public sealed class GoogleKmsServerTests(GoogleKmsFixture gcp)
{
    [Fact]
    public async Task Decrypts_values_upstream_made()
    {
        var ring = gcp.NewKeyRing();
        using var upstream = new UpstreamGoogle(gcp.Kms, gcp.KeyFile, GoogleKmsFixture.KeyRingPath(ring));
        var values = new Dictionary<string, string>();
        foreach (var plaintext in Plaintexts.All)
        {
            values[await upstream.EncryptAsync(plaintext, KmsServer.Namespace, KmsServer.App1)] = plaintext;
        }

        values[await upstream.EncryptEnvelopeAsync(Plaintexts.Long, KmsServer.Namespace, KmsServer.App1)] = Plaintexts.Long;
        await using var server = await KmsServer.StartAsync(gcp.Environment(ring));

        foreach (var (ciphertext, plaintext) in values)
        {
            Assert.Equal((HttpStatusCode.OK, plaintext), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, ciphertext));
        }

        Assert.Equal(values.Values, (await server.Api.DecryptManyOkAsync(KmsServer.TokenApp1, values.Keys)).Select(item => item.Plaintext));

        // At Trace, nothing secret: no value, no bearer token of the KMS, no private key of the key file.
        var logs = server.AllLogs();
        Assert.All(Plaintexts.All, plaintext => Assert.DoesNotContain(plaintext, logs, StringComparison.Ordinal));
        Assert.DoesNotContain("ya29.", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encrypts_and_decrypts_its_own_values_with_one_kms_call_per_data_key()
    {
        var environment = gcp.Environment(gcp.NewKeyRing());
        environment["KeyManagement__DataKeyCache__MaxEntries"] = "0"; // count every unwrap
        await using var server = await KmsServer.StartAsync(environment);

        var single = await server.Api.EncryptOkAsync(Plaintexts.Unicode, KmsServer.App1, KmsServer.Namespace);
        Assert.StartsWith("k2.gcp.", single, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, Plaintexts.Unicode), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, single));

        gcp.Kms.ResetCalls();
        var items = Enumerable.Range(0, 10).ToDictionary(i => $"item{i}", i => i == 9 ? Plaintexts.Long : $"secret {i}");
        var envelopes = await server.Api.EncryptManyOkAsync(KmsServer.App1, KmsServer.Namespace, items);
        var decrypted = await server.Api.DecryptManyOkAsync(KmsServer.TokenApp1, items.Keys.Select(k => envelopes[k]));

        Assert.All(envelopes.Values, value => Assert.StartsWith("k2e.gcp.", value, StringComparison.Ordinal));
        Assert.Equal(items.Values, decrypted.Select(item => item.Plaintext));
        Assert.Equal(1, gcp.Kms.Calls("encrypt"));
        Assert.Equal(1, gcp.Kms.Calls("decrypt"));
    }

    [Fact]
    public async Task Refuses_another_service_account()
    {
        var ring = gcp.NewKeyRing();
        using var upstream = new UpstreamGoogle(gcp.Kms, gcp.KeyFile, GoogleKmsFixture.KeyRingPath(ring));
        var upstreamValue = await upstream.EncryptAsync("app1's", KmsServer.Namespace, KmsServer.App1);
        await using var server = await KmsServer.StartAsync(gcp.Environment(ring));
        var own = await server.Api.EncryptOkAsync("app1's", KmsServer.App1, KmsServer.Namespace);

        // app2's own CryptoKey cannot decrypt app1's ciphertexts (INVALID_ARGUMENT). Without a key it is refused too: see below.
        await server.Api.EncryptOkAsync("app2's", KmsServer.App2, KmsServer.Namespace);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Api.DecryptTextAsync(KmsServer.TokenApp2, upstreamValue)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Api.DecryptTextAsync(KmsServer.TokenApp2, own)).Status);

        Assert.Equal((HttpStatusCode.OK, "app1's"), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, upstreamValue));
    }

    [Fact]
    public async Task A_missing_crypto_key_refuses_the_value_and_warns_naming_it()
    {
        var ring = gcp.NewKeyRing();
        using var upstream = new UpstreamGoogle(gcp.Kms, gcp.KeyFile, GoogleKmsFixture.KeyRingPath(ring));
        var upstreamValue = await upstream.EncryptAsync("app1's", KmsServer.Namespace, KmsServer.App1);
        await using var server = await KmsServer.StartAsync(gcp.Environment(ring));
        var own = await server.Api.EncryptOkAsync("app1's", KmsServer.App1, KmsServer.Namespace);

        // app2 has no CryptoKey (NOT_FOUND): nothing was encrypted for it, so the value is not its: refused, with a warning.
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Api.DecryptTextAsync(KmsServer.TokenApp2, own)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Api.DecryptTextAsync(KmsServer.TokenApp2, upstreamValue)).Status);

        // The settings name a key ring without app1's key (here: one that does not exist): its values are refused too, and the warning names the key ring the settings point at.
        var elsewhere = gcp.Environment(ring + "-typo");
        elsewhere["KeyManagement__DataKeyCache__MaxEntries"] = "0";
        await using var misconfigured = await KmsServer.StartAsync(elsewhere);
        foreach (var ciphertext in new[] { upstreamValue, own })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await misconfigured.Api.DecryptTextAsync(KmsServer.TokenApp1, ciphertext)).Status);
        }

        var app2Key = $"CryptoKey {GoogleKmsFixture.KeyRingPath(ring)}/cryptoKeys/{UpstreamKeyId.Create($"{KmsServer.Namespace}:{KmsServer.App2}")} of service account {KmsServer.Namespace}:{KmsServer.App2} does not exist";
        Assert.Contains(app2Key, server.AllLogs(), StringComparison.Ordinal);
        Assert.Contains($"CryptoKey {GoogleKmsFixture.KeyRingPath(ring + "-typo")}/cryptoKeys/", misconfigured.AllLogs(), StringComparison.Ordinal);
        Assert.DoesNotContain("app1's", server.AllLogs() + misconfigured.AllLogs(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creates_the_per_account_crypto_key_under_upstreams_name_on_first_encrypt()
    {
        var ring = gcp.NewKeyRing();
        var environment = gcp.Environment(ring);
        environment["KeyManagement__GoogleKms__ProtectionLevel"] = "HSM";
        environment["KeyManagement__GoogleKms__RotationPeriod"] = "30";
        await using var server = await KmsServer.StartAsync(environment);
        var name = $"{GoogleKmsFixture.KeyRingPath(ring)}/cryptoKeys/{UpstreamKeyId.Create($"{KmsServer.Namespace}:{KmsServer.App1}")}";
        Assert.Null(gcp.Kms.CryptoKey(name));
        gcp.Kms.ResetCalls();

        var value = await server.Api.EncryptOkAsync("one", KmsServer.App1, KmsServer.Namespace);
        await server.Api.EncryptOkAsync("two", KmsServer.App1, KmsServer.Namespace);

        var key = gcp.Kms.CryptoKey(name);
        Assert.NotNull(key);
        Assert.Equal(1, gcp.Kms.Calls("create"));
        Assert.Equal("HSM", key["versionTemplate"]!["protectionLevel"]!.GetValue<string>());
        Assert.Equal("2592000s", key["rotationPeriod"]!.GetValue<string>());
        Assert.True(DateTimeOffset.Parse(key["nextRotationTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddDays(29));
        Assert.Contains(server.Host.Logs.GetSnapshot(), r => r.Message == $"Created Cloud KMS CryptoKey {name} for service account team-a:app1.");

        // Upstream finds the CryptoKey Kamus created, and the server reads what upstream makes with it.
        using var upstream = new UpstreamGoogle(gcp.Kms, gcp.KeyFile, GoogleKmsFixture.KeyRingPath(ring));
        var upstreamValue = await upstream.EncryptAsync("shared key", KmsServer.Namespace, KmsServer.App1);
        Assert.Equal(1, gcp.Kms.Calls("create"));
        Assert.Equal((HttpStatusCode.OK, "shared key"), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, upstreamValue));
        Assert.Equal((HttpStatusCode.OK, "one"), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, value));
    }

    [Theory]
    [InlineData(KmsStandInFailure.InternalError)]
    [InlineData(KmsStandInFailure.Abort)]
    public async Task An_outage_answers_503_and_recovers(KmsStandInFailure failure)
    {
        var ring = gcp.NewKeyRing();
        await using var server = await KmsServer.StartAsync(gcp.Environment(ring));
        using var upstream = new UpstreamGoogle(gcp.Kms, gcp.KeyFile, GoogleKmsFixture.KeyRingPath(ring));
        var upstreamValue = await upstream.EncryptAsync("before", KmsServer.Namespace, KmsServer.App1);
        var own = await server.Api.EncryptOkAsync("before", KmsServer.App1, KmsServer.Namespace);

        gcp.Kms.Failure = failure;
        try
        {
            using var encrypt = await server.Api.EncryptAsync("during", KmsServer.App1, KmsServer.Namespace);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, encrypt.StatusCode);
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "master key backend unavailable"), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, upstreamValue));
        }
        finally
        {
            gcp.Kms.Failure = KmsStandInFailure.None;
        }

        Assert.Equal((HttpStatusCode.OK, "before"), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, upstreamValue));
        Assert.Equal((HttpStatusCode.OK, "before"), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, own));
        Assert.Contains("The master key backend is unavailable while serving /api/v1/decrypt: Google Cloud KMS decrypt: ", server.AllLogs(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kms_that_never_answers_times_out_into_503()
    {
        var environment = gcp.Environment(gcp.NewKeyRing());
        environment["KeyManagement__GoogleKms__Timeout"] = "00:00:00.300";
        await using var server = await KmsServer.StartAsync(environment);
        gcp.Kms.ResetCalls();
        gcp.Kms.Failure = KmsStandInFailure.Hang;
        string logs;
        try
        {
            logs = await server.EncryptUnavailableAsync();
        }
        finally
        {
            gcp.Kms.Failure = KmsStandInFailure.None;
        }

        Assert.Contains("Google Cloud KMS encrypt: timed out", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_key_ring_answers_503_naming_it()
    {
        await using var server = await KmsServer.StartAsync(gcp.Environment("never-created"));

        var logs = await server.EncryptUnavailableAsync();

        Assert.Contains($"KeyRing {GoogleKmsFixture.KeyRingPath("never-created")} not found", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_file_in_credentials_path_is_used_and_a_refused_key_answers_503()
    {
        var ring = gcp.NewKeyRing();
        var keyFile = gcp.PathFor("explicit.json");
        gcp.Kms.WriteServiceAccountKey(keyFile, GoogleKmsFixture.Project, "kamus-explicit@kamus-tests.iam.gserviceaccount.com");
        var environment = gcp.Environment(ring);
        environment["KeyManagement__GoogleKms__CredentialsPath"] = keyFile;
        await using (var server = await KmsServer.StartAsync(environment))
        {
            var value = await server.Api.EncryptOkAsync("via the key file", KmsServer.App1, KmsServer.Namespace);
            Assert.Equal((HttpStatusCode.OK, "via the key file"), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, value));
        }

        // A key the token endpoint does not know (a deleted service-account key): the OAuth error, never the key.
        var unknown = gcp.PathFor("unknown.json");
        await using var other = await GoogleKmsStandIn.StartAsync();
        other.WriteServiceAccountKey(unknown, GoogleKmsFixture.Project);
        File.WriteAllText(unknown, File.ReadAllText(unknown).Replace(other.TokenUri.ToString(), gcp.Kms.TokenUri.ToString(), StringComparison.Ordinal));
        environment["KeyManagement__GoogleKms__CredentialsPath"] = unknown;
        await using var refused = await KmsServer.StartAsync(environment);

        var logs = await refused.EncryptUnavailableAsync();

        Assert.Contains("the OAuth token endpoint refused the credentials (invalid_grant)", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", logs, StringComparison.Ordinal);
    }
}
