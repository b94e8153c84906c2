using System.Net;
using Kamus.CloudKms.Tests.Support;
using Kamus.Testing.Kms;
using Microsoft.Extensions.Logging;

namespace Kamus.CloudKms.Tests.AwsKms;

/// <summary>
/// The "done when" for AWS KMS: the real server, configured by environment variables only and talking to the
/// AWS KMS stand-in through AWSSDK.KeyManagementService (static keys, SigV4, ServiceUrl), decrypts what upstream made,
/// encrypts and decrypts its own values, refuses another service account, and creates the per-account key under
/// upstream's alias.
/// </summary>
public sealed class AwsKmsServerTests : IAsyncLifetime
{
    private AwsKmsStandIn _kms = null!;

    public async Task InitializeAsync() => _kms = await AwsKmsStandIn.StartAsync();

    public async Task DisposeAsync() => await _kms.DisposeAsync();

    [Fact]
    public async Task Decrypts_values_upstream_made()
    {
        using var upstream = new UpstreamAws(_kms);
        var values = new Dictionary<string, string>();
        foreach (var plaintext in Plaintexts.All)
        {
            values[await upstream.EncryptAsync(plaintext, KmsServer.Namespace, KmsServer.App1)] = plaintext;
        }

        await using var server = await KmsServer.StartAsync(Environment(_kms));

        foreach (var (ciphertext, plaintext) in values)
        {
            Assert.StartsWith("env$", ciphertext, StringComparison.Ordinal);
            Assert.Equal((HttpStatusCode.OK, plaintext), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, ciphertext));
        }

        var batch = await server.Api.DecryptManyOkAsync(KmsServer.TokenApp1, values.Keys);
        Assert.Equal(values.Values, batch.Select(item => item.Plaintext));

        // At Trace, nothing secret: no value, no AWS secret.
        var logs = server.AllLogs();
        Assert.All(Plaintexts.All, plaintext => Assert.DoesNotContain(plaintext, logs, StringComparison.Ordinal));
        Assert.DoesNotContain(AwsKmsStandIn.SecretAccessKey, logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encrypts_and_decrypts_its_own_values_with_one_kms_call_per_data_key()
    {
        var environment = Environment(_kms);
        environment["KeyManagement__DataKeyCache__MaxEntries"] = "0"; // count every unwrap
        await using var server = await KmsServer.StartAsync(environment);

        var single = await server.Api.EncryptOkAsync(Plaintexts.Unicode, KmsServer.App1, KmsServer.Namespace);
        Assert.StartsWith("k2.aws.", single, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, Plaintexts.Unicode), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, single));

        _kms.ResetCalls();
        var items = Enumerable.Range(0, 10).ToDictionary(i => $"item{i}", i => i == 9 ? Plaintexts.Long : $"secret {i}");
        var envelopes = await server.Api.EncryptManyOkAsync(KmsServer.App1, KmsServer.Namespace, items);
        var decrypted = await server.Api.DecryptManyOkAsync(KmsServer.TokenApp1, items.Keys.Select(k => envelopes[k]));

        Assert.All(envelopes.Values, value => Assert.StartsWith("k2e.aws.", value, StringComparison.Ordinal));
        Assert.Equal(items.Values, decrypted.Select(item => item.Plaintext));
        Assert.Equal(1, _kms.Calls("GenerateDataKey"));
        Assert.Equal(1, _kms.Calls("Decrypt"));
    }

    [Fact]
    public async Task Refuses_another_service_account()
    {
        using var upstream = new UpstreamAws(_kms);
        var upstreamValue = await upstream.EncryptAsync("app1's", KmsServer.Namespace, KmsServer.App1);
        await using var server = await KmsServer.StartAsync(Environment(_kms));
        var own = await server.Api.EncryptOkAsync("app1's", KmsServer.App1, KmsServer.Namespace);
        var envelope = (await server.Api.EncryptManyOkAsync(KmsServer.App1, KmsServer.Namespace, new Dictionary<string, string> { ["a"] = "app1's" }))["a"];

        // app2's own key refuses app1's ciphertexts (IncorrectKeyException). Without a key it is refused too: see below.
        await server.Api.EncryptOkAsync("app2's", KmsServer.App2, KmsServer.Namespace);
        foreach (var ciphertext in new[] { upstreamValue, own, envelope })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await server.Api.DecryptTextAsync(KmsServer.TokenApp2, ciphertext)).Status);
        }

        Assert.Equal((HttpStatusCode.OK, "app1's"), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, upstreamValue));
    }

    [Fact]
    public async Task A_missing_or_deleted_key_refuses_the_value_and_warns_naming_its_alias()
    {
        using var upstream = new UpstreamAws(_kms);
        var upstreamValue = await upstream.EncryptAsync("app1's", KmsServer.Namespace, KmsServer.App1);
        var environment = Environment(_kms);
        environment["KeyManagement__DataKeyCache__MaxEntries"] = "0"; // every decrypt asks KMS
        await using var server = await KmsServer.StartAsync(environment);
        var own = await server.Api.EncryptOkAsync("app1's", KmsServer.App1, KmsServer.Namespace);

        // app2 has no key (NotFoundException): nothing was encrypted for it, so the value is not its: refused, with a warning.
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Api.DecryptTextAsync(KmsServer.TokenApp2, own)).Status);

        // app1's key was deleted (its waiting period over: key and alias gone): its own values are refused too, with a warning naming the alias.
        var alias = UpstreamAws.Alias($"{KmsServer.Namespace}:{KmsServer.App1}");
        _kms.DeleteKey(alias);
        foreach (var ciphertext in new[] { upstreamValue, own })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await server.Api.DecryptTextAsync(KmsServer.TokenApp1, ciphertext)).Status);
        }

        var logs = server.AllLogs();
        Assert.Contains($"key alias {alias} of service account {KmsServer.Namespace}:{KmsServer.App1} does not exist", logs, StringComparison.Ordinal);
        Assert.Contains($"of service account {KmsServer.Namespace}:{KmsServer.App2} does not exist", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("app1's", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replica_that_loses_the_alias_race_schedules_the_deletion_of_its_unused_key()
    {
        await using var server = await KmsServer.StartAsync(Environment(_kms));
        var alias = UpstreamAws.Alias($"{KmsServer.Namespace}:{KmsServer.App1}");
        _kms.AnotherReplicaWinsNextAlias = true;

        var value = await server.Api.EncryptOkAsync("raced", KmsServer.App1, KmsServer.Namespace);

        // Two keys: the other replica's, which the alias names and which wrapped the value, and this replica's, unused.
        Assert.Equal(2, _kms.KeyCount);
        var loser = Assert.Single(_kms.KeysPendingDeletion);
        Assert.NotEqual(_kms.Aliases[alias], loser);
        Assert.Equal(1, _kms.Calls("ScheduleKeyDeletion"));
        Assert.Equal((HttpStatusCode.OK, "raced"), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, value));
        Assert.Contains(server.Host.Logs.GetSnapshot(), r => r.Level == LogLevel.Information && r.Message.Contains($"scheduled the deletion of key {loser}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_the_deletion_permission_the_losing_replica_warns_naming_its_unused_key()
    {
        await using var server = await KmsServer.StartAsync(Environment(_kms));
        _kms.AnotherReplicaWinsNextAlias = true;
        _kms.DenyScheduleKeyDeletion = true;

        var value = await server.Api.EncryptOkAsync("raced", KmsServer.App1, KmsServer.Namespace);

        var alias = UpstreamAws.Alias($"{KmsServer.Namespace}:{KmsServer.App1}");
        Assert.Empty(_kms.KeysPendingDeletion);
        Assert.Equal((HttpStatusCode.OK, "raced"), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, value));
        var warning = Assert.Single(server.Host.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("was created by another replica first", StringComparison.Ordinal));
        Assert.Contains(alias, warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_kms.Aliases[alias], warning.Message, StringComparison.Ordinal); // names the loser, not the key in use
    }

    [Fact]
    public async Task Creates_the_per_account_key_under_upstreams_alias_on_first_encrypt()
    {
        var environment = Environment(_kms);
        environment["KeyManagement__AwsKms__CmkPrefix"] = "prod";
        environment["KeyManagement__AwsKms__AutomaticKeyRotation"] = "true";
        await using var server = await KmsServer.StartAsync(environment);
        var alias = UpstreamAws.Alias($"{KmsServer.Namespace}:{KmsServer.App1}", "prod");
        Assert.Empty(_kms.Aliases);

        var first = await server.Api.EncryptOkAsync("one", KmsServer.App1, KmsServer.Namespace);
        await server.Api.EncryptOkAsync("two", KmsServer.App1, KmsServer.Namespace);

        Assert.Equal([alias], _kms.Aliases.Keys);
        Assert.Equal(1, _kms.Calls("CreateKey"));
        Assert.True(_kms.RotationEnabled(alias));
        Assert.Equal($"Kamus master key of service account {KmsServer.Namespace}:{KmsServer.App1}", _kms.Description(alias));
        Assert.Contains(server.Host.Logs.GetSnapshot(), r => r.Message.Contains($"with alias {alias} for service account team-a:app1", StringComparison.Ordinal));

        // Upstream, with the same prefix, finds the key Kamus created (and the server reads what it makes there).
        using var upstream = new UpstreamAws(_kms, "prod");
        var upstreamValue = await upstream.EncryptAsync("shared key", KmsServer.Namespace, KmsServer.App1);
        Assert.Equal(1, _kms.Calls("CreateKey"));
        Assert.Equal((HttpStatusCode.OK, "shared key"), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, upstreamValue));
        Assert.Equal((HttpStatusCode.OK, "one"), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, first));
    }

    [Fact]
    public async Task Reads_upstream_aes_values_beside_the_kms_so_an_aeskey_deployment_can_move()
    {
        var environment = Environment(_kms);
        environment["KeyManagement__AES__Key"] = Kamus.Testing.KamusServerHost.CompatMasterKey;
        environment["KeyManagement__AES__UseKeyDeriviation"] = "true";
        await using var server = await KmsServer.StartAsync(environment);
        server.Host.StandIn.AddToken("token-example", "default", "kamus-example-sa");
        using var vectors = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "kamus-v1-vectors.json")));

        var ours = vectors.RootElement.GetProperty("vectors").EnumerateArray().Where(v => v.GetProperty("id").GetString() == "default:kamus-example-sa").ToList();
        Assert.Contains(ours, v => v.GetProperty("ciphertext").GetString()!.StartsWith("env$", StringComparison.Ordinal));
        foreach (var vector in ours)
        {
            Assert.Equal((HttpStatusCode.OK, vector.GetProperty("plaintext").GetString()), await server.Api.DecryptTextAsync("token-example", vector.GetProperty("ciphertext").GetString()));
        }

        Assert.StartsWith("k2.aws.", await server.Api.EncryptOkAsync("new", "kamus-example-sa", "default"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KmsStandInFailure.InternalError)]
    [InlineData(KmsStandInFailure.Abort)]
    public async Task An_outage_answers_503_and_recovers(KmsStandInFailure failure)
    {
        await using var server = await KmsServer.StartAsync(Environment(_kms));
        using var upstream = new UpstreamAws(_kms);
        var upstreamValue = await upstream.EncryptAsync("before", KmsServer.Namespace, KmsServer.App1);
        var own = await server.Api.EncryptOkAsync("before", KmsServer.App1, KmsServer.Namespace);

        _kms.Failure = failure;
        using (var encrypt = await server.Api.EncryptAsync("during", KmsServer.App1, KmsServer.Namespace))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, encrypt.StatusCode);
        }

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "master key backend unavailable"), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, upstreamValue));

        _kms.Failure = KmsStandInFailure.None;
        Assert.Equal((HttpStatusCode.OK, "before"), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, upstreamValue));
        Assert.Equal((HttpStatusCode.OK, "before"), await server.Api.DecryptTextAsync(KmsServer.TokenApp1, own));
        var logs = server.AllLogs();
        Assert.Contains("The master key backend is unavailable while serving /api/v1/decrypt: AWS KMS eu-west-1 Decrypt: ", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(AwsKmsStandIn.SecretAccessKey, logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kms_that_never_answers_times_out_into_503()
    {
        var environment = Environment(_kms);
        environment["KeyManagement__AwsKms__Timeout"] = "00:00:00.300";
        await using var server = await KmsServer.StartAsync(environment);
        _kms.Failure = KmsStandInFailure.Hang;

        var logs = await server.EncryptUnavailableAsync();

        // The first attempt and 3 retries (the HTTP stack may resend one on a fresh connection, so not exactly 4).
        Assert.True(_kms.Calls("GenerateDataKey") >= 4);
        Assert.Contains("AWS KMS eu-west-1 GenerateDataKey: timed out", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_credentials_answer_503_naming_the_aws_error_never_the_secret()
    {
        var environment = Environment(_kms);
        environment["KeyManagement__AwsKms__Secret"] = "wrong-secret-value-0123456789";
        await using var server = await KmsServer.StartAsync(environment);

        var logs = await server.EncryptUnavailableAsync();

        Assert.Contains("InvalidSignatureException", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-value-0123456789", logs, StringComparison.Ordinal);
    }

    internal static Dictionary<string, string> Environment(AwsKmsStandIn kms) => new()
    {
        ["KeyManagement__Provider"] = "AwsKms",
        ["KeyManagement__AwsKms__Region"] = kms.Region,
        ["KeyManagement__AwsKms__Key"] = AwsKmsStandIn.AccessKeyId,
        ["KeyManagement__AwsKms__Secret"] = AwsKmsStandIn.SecretAccessKey,
        ["KeyManagement__AwsKms__ServiceUrl"] = kms.Url.ToString(),
    };
}
