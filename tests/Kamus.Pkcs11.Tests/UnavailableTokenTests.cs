using System.Net;
using Kamus.KeyManagement;
using Kamus.KeyManagement.Pkcs11;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Kamus.Pkcs11.Tests;

/// <summary>
/// The token misbehaves under a running server: dropped sessions and stale key handles are recovered; a token that
/// stays broken answers 503 (never 500, never a detail) and <c>/healthz</c> says so until it works again.
/// </summary>
[Collection(SoftHsmGroup.Name)]
public sealed class UnavailableTokenTests(SoftHsmFixture hsm)
{
    [SoftHsmFact]
    public async Task Dropped_sessions_and_stale_key_handles_are_recovered_and_requests_keep_working()
    {
        // One session: a failed request that kept its pool slot would leave every later request waiting.
        await using var server = await HsmServer.StartAsync(hsm, configure: o => o.Settings["KeyManagement:Pkcs11:MaxSessions"] = "1");
        var ciphertext = await server.Api.EncryptOkAsync("before", "sa1", "ns-a");
        var envelope = (await server.Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["a"] = "x" }))["a"];

        // C_CloseAllSessions belongs to the process, not to a session: it closes the server's sessions too, which logs
        // the token out and (in SoftHSM) invalidates the server's key handles.
        CloseAllSessions(SoftHsmFixture.Token);

        Assert.Equal((HttpStatusCode.OK, "before"), await server.Api.DecryptTextAsync(HsmServer.TokenA1, ciphertext));
        Assert.Equal((HttpStatusCode.OK, "x"), await server.Api.DecryptTextAsync(HsmServer.TokenA1, envelope));
        Assert.Equal(HttpStatusCode.OK, (await server.Api.EncryptAsync("after", "sa1", "ns-a")).StatusCode);
        Assert.True(server.Hsm.Recoveries >= 1);
        using var http = server.Host.CreateHttpClient();
        Assert.Equal("ok", await http.GetStringAsync("healthz"));
    }

    [SoftHsmFact]
    public async Task A_token_that_stops_working_answers_503_and_healthz_reports_it_until_it_works_again()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await HsmServer.StartAsync(hsm, token: SoftHsmFixture.AttributesToken, configure: o =>
        {
            o.TimeProvider = clock;
            o.Settings["KeyManagement:Pkcs11:KeyLabels:0"] = SoftHsmFixture.FirstKey;
        });
        var ciphertext = await server.Api.EncryptOkAsync("before", "sa1", "ns-a");
        using var http = server.Host.CreateHttpClient();
        Assert.Equal("ok", await http.GetStringAsync("healthz"));
        var newPin = "changed-" + hsm.Pin;

        // The PIN changes under the server and its sessions go: it cannot log in again.
        ChangePin(SoftHsmFixture.AttributesToken, hsm.Pin, newPin);
        try
        {
            CloseAllSessions(SoftHsmFixture.AttributesToken);
            var answers = new List<(HttpStatusCode Status, string Body)>
            {
                await server.Api.DecryptTextAsync(HsmServer.TokenA1, ciphertext),
                await ReadAsync(server.Api.EncryptAsync("after", "sa1", "ns-a")),
            };
            clock.Advance(TimeSpan.FromSeconds(6));
            using var unhealthy = await http.GetAsync(new Uri("healthz", UriKind.Relative));

            Assert.All(answers, a => Assert.Equal((HttpStatusCode.ServiceUnavailable, "master key backend unavailable"), a));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unhealthy.StatusCode);
            Assert.Equal("false", await http.GetStringAsync("api/v1/isAlive"));
            var logs = server.Host.Logs.GetSnapshot();
            Assert.Contains(logs, r => r.Level == LogLevel.Error && r.Message.StartsWith("The master key backend is unavailable", StringComparison.Ordinal) && r.Message.Contains("CKR_PIN_INCORRECT", StringComparison.Ordinal));
            Assert.All(logs, r => Assert.DoesNotContain(hsm.Pin, r.Message + r.Exception, StringComparison.Ordinal));
        }
        finally
        {
            ChangePin(SoftHsmFixture.AttributesToken, newPin, hsm.Pin);
        }

        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal("ok", await http.GetStringAsync("healthz"));
        Assert.Equal((HttpStatusCode.OK, "before"), await server.Api.DecryptTextAsync(HsmServer.TokenA1, ciphertext));
    }

    [SoftHsmFact]
    public async Task Waiting_for_a_session_gives_up_after_the_timeout_without_blocking_a_thread()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var token = Pkcs11Token.Open(hsm.Options());
        using var pool = new Pkcs11SessionPool(token, maxSessions: 1, waitTimeout: TimeSpan.FromSeconds(10), time: clock);
        using var busy = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var holder = Task.Run(() => pool.Run(_ => { started.Set(); busy.Wait(); return 0; }));
        started.Wait();

        var waiting = pool.RunAsync(_ => 1).AsTask();
        Assert.False(waiting.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(11));
        var error = await Assert.ThrowsAsync<MasterKeyUnavailableException>(() => waiting.WaitAsync(TimeSpan.FromMinutes(1)));

        busy.Set();
        await holder;
        Assert.Contains("SessionWaitTimeout", error.Reason, StringComparison.Ordinal);
        Assert.Equal(1, await pool.RunAsync(_ => 1));
    }

    private static async Task<(HttpStatusCode, string)> ReadAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private void CloseAllSessions(string tokenLabel)
    {
        using var module = Pkcs11Module.Acquire(hsm.ModulePath);
        Slot(module, tokenLabel).CloseAllSessions();
    }

    private void ChangePin(string tokenLabel, string oldPin, string newPin)
    {
        using var module = Pkcs11Module.Acquire(hsm.ModulePath);
        using var session = Slot(module, tokenLabel).OpenSession(SessionType.ReadWrite);
        session.SetPin(oldPin, newPin);
    }

    private static ISlot Slot(Pkcs11Module module, string tokenLabel) =>
        module.Library.GetSlotList(SlotsType.WithTokenPresent).Single(s => s.GetTokenInfo().Label.Trim() == tokenLabel);
}
