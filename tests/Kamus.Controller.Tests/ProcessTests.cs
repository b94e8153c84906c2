using System.Diagnostics;
using System.Text;
using Kamus.Controller.Tests.Support;
using Kamus.Testing;
using Kamus.Testing.Kubernetes;

namespace Kamus.Controller.Tests;

/// <summary>
/// The built controller, run as a user would (<c>dotnet Kamus.Controller.dll --urls ...</c>) with only environment
/// variables, against the stand-in as <c>Kubernetes__ProxyUrl</c>.
/// </summary>
public sealed class ProcessTests(Encryptor encryptor) : IClassFixture<Encryptor>
{
    private static readonly string ControllerPath = Path.Combine(AppContext.BaseDirectory, "Kamus.Controller.dll");

    [Fact]
    public async Task The_built_controller_reconciles_with_environment_variables_only_and_answers_healthz()
    {
        await using var api = await KubernetesApiStandIn.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["KeyManagement__Provider"] = "AESKey",
            ["KeyManagement__AES__Key"] = KamusServerHost.CompatMasterKey,
            ["KeyManagement__AES__UseKeyDeriviation"] = "true",
            ["Kubernetes__ProxyUrl"] = api.Url.ToString(),
            ["POD_NAMESPACE"] = "kamus",
        };
        using var process = Start(environment, out var output);
        try
        {
            var url = await ListeningUrlAsync(process, output);
            var values = await encryptor.BoundAsync("apps", "orders", "db", new Dictionary<string, string> { ["password"] = "from-a-process" });
            api.Objects.Create(ApiResource.KamusSecrets, "apps", Manifests.KamusSecret("db", "orders", stringData: values));

            await api.Objects.WaitUntilAsync(s => s.Get(ApiResource.Secrets, "apps", "db") is not null, "the process created Secret apps/db", TimeSpan.FromSeconds(30));
            Assert.Equal("from-a-process", Manifests.Text(api.Objects.Get(ApiResource.Secrets, "apps", "db"))["password"]);
            Assert.NotNull(api.Objects.Get(ApiResource.Leases, "kamus", "kamus-controller"));
            using var http = new HttpClient();
            Assert.Equal("ok", await http.GetStringAsync(new Uri(url, "healthz")));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Assert.DoesNotContain("from-a-process", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "KeyManagement:AES:Key")]
    [InlineData("http://127.0.0.1:1", "Controller:ReconciliationIntervalInSeconds")]
    public async Task A_misconfigured_controller_exits_1_with_one_line_naming_the_setting(string? proxyUrl, string setting)
    {
        var environment = new Dictionary<string, string> { ["Kubernetes__ProxyUrl"] = proxyUrl ?? "http://127.0.0.1:1" };
        if (proxyUrl is not null)
        {
            environment["KeyManagement__AES__Key"] = KamusServerHost.CompatMasterKey;
            environment["Controller__ReconciliationIntervalInSeconds"] = "0";
        }

        using var process = Start(environment, out var output);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("Kamus controller cannot start:", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(setting, output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output.ToString(), StringComparison.Ordinal);
    }

    private static Process Start(Dictionary<string, string> environment, out StringBuilder output)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(ControllerPath);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("KeyManagement", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Kubernetes", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Controller", StringComparison.OrdinalIgnoreCase) || k == "POD_NAMESPACE").ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var lines = new StringBuilder();
        output = lines;
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(lines, e.Data);
        process.ErrorDataReceived += (_, e) => Append(lines, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Append(StringBuilder lines, string? line)
    {
        if (line is not null)
        {
            lock (lines)
            {
                lines.AppendLine(line);
            }
        }
    }

    private static async Task<Uri> ListeningUrlAsync(Process process, StringBuilder output)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!timeout.IsCancellationRequested && !process.HasExited)
        {
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            var at = text.IndexOf("Now listening on: ", StringComparison.Ordinal);
            if (at >= 0)
            {
                var rest = text[(at + "Now listening on: ".Length)..];
                return new Uri(rest[..rest.IndexOfAny(['\r', '\n'])].Trim() + "/");
            }

            await Task.Delay(50, timeout.Token);
        }

        throw new InvalidOperationException("The controller did not start listening: " + output);
    }
}
