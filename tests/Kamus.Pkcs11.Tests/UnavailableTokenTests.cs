using System.Net;
using Kamus.KeyManagement.Pkcs11;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;

namespace Kamus.Pkcs11.Tests;

/// <summary>The token fails under a running server (its sessions are closed): requests get 503, not 500, and no detail.</summary>
[Collection(SoftHsmGroup.Name)]
public sealed class UnavailableTokenTests(SoftHsmFixture hsm)
{
    [SoftHsmFact]
    public async Task Module_failures_answer_503_with_a_short_message_and_never_the_pin()
    {
        // One session: a failed request that kept its pool slot would leave every later request waiting forever.
        await using var server = await HsmServer.StartAsync(hsm, configure: o => o.Settings["KeyManagement:Pkcs11:MaxSessions"] = "1");
        var ciphertext = await server.Api.EncryptOkAsync("before", "sa1", "ns-a");
        var envelope = (await server.Api.EncryptManyOkAsync("sa1", "ns-a", new Dictionary<string, string> { ["a"] = "x" }))["a"];
        Assert.Equal((HttpStatusCode.OK, "before"), await server.Api.DecryptTextAsync(HsmServer.TokenA1, ciphertext));

        // C_CloseAllSessions belongs to the process, not to a session: it closes the server's sessions too, which logs
        // the token out and (in SoftHSM) invalidates the server's key handles.
        using (var module = Pkcs11Module.Acquire(hsm.ModulePath))
        {
            module.Library.GetSlotList(SlotsType.WithTokenPresent).Single(s => s.GetTokenInfo().Label.Trim() == SoftHsmFixture.Token).CloseAllSessions();
        }

        var answers = new List<(HttpStatusCode Status, string Body)>
        {
            await server.Api.DecryptTextAsync(HsmServer.TokenA1, ciphertext),
            await server.Api.DecryptTextAsync(HsmServer.TokenA1, envelope),
            await ReadAsync(server.Api.DecryptManyAsync(HsmServer.TokenA1, [ciphertext, envelope])),
            await ReadAsync(server.Api.EncryptAsync("after", "sa1", "ns-a")),
            await ReadAsync(server.Api.EncryptManyAsync("sa1", "ns-a", new Dictionary<string, string> { ["a"] = "x" })),
        };

        Assert.All(answers, a => Assert.Equal((HttpStatusCode.ServiceUnavailable, "master key backend unavailable"), a));
        var logs = server.Host.Logs.GetSnapshot();
        Assert.Equal(answers.Count, logs.Count(r => r.Level == LogLevel.Error && r.Message.StartsWith("The master key backend is unavailable", StringComparison.Ordinal) && r.Message.Contains("CKR_", StringComparison.Ordinal)));
        Assert.All(logs, r => Assert.DoesNotContain(hsm.Pin, r.Message + r.Exception, StringComparison.Ordinal));
    }

    private static async Task<(HttpStatusCode, string)> ReadAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
