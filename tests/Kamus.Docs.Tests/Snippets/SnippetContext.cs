// The wrapper of every C# snippet in the documentation (see DocSnippetTests). Each ```csharp block is compiled on its
// own as the top-level statements of a program, together with this file, against the real Kamus and ASP.NET Core
// assemblies. So a snippet may use, without declaring them:
//   - the global usings below (the Web SDK's implicit usings plus the Kamus namespaces);
//   - the names of SnippetContext: `builder`, `services`, `ciphertext`, `ciphertexts`, `items`;
//   - the example options classes below (`OrdersOptions`, `DbOptions`).
// A snippet that declares a name itself (`var builder = ...`) uses its own. Anything else must be in the snippet.
global using System;
global using System.Collections.Generic;
global using System.IO;
global using System.Linq;
global using System.Net.Http;
global using System.Threading;
global using System.Threading.Tasks;
global using Microsoft.AspNetCore.Builder;
global using Microsoft.AspNetCore.Hosting;
global using Microsoft.AspNetCore.Http;
global using Microsoft.Extensions.Configuration;
global using Microsoft.Extensions.DependencyInjection;
global using Microsoft.Extensions.Hosting;
global using Microsoft.Extensions.Logging;
global using Kamus.Client;
global using Kamus.Client.Tokens;
global using Kamus.Configuration;
global using static DocSnippets.SnippetContext;

namespace DocSnippets
{
    /// <summary>Names that snippets use as given, as an application would have them.</summary>
    public static class SnippetContext
    {
        public static WebApplicationBuilder builder => WebApplication.CreateBuilder();

        public static IServiceCollection services { get; } = new ServiceCollection();

        public static string ciphertext => "k2.k1.example";

        public static IReadOnlyList<string> ciphertexts => [ciphertext];

        public static IReadOnlyDictionary<string, string> items => new Dictionary<string, string> { ["Db:Password"] = "p@ss" };
    }
}

public sealed class OrdersOptions
{
    public string? Database { get; set; }

    public string? PaymentsEndpoint { get; set; }
}

public sealed class DbOptions
{
    public string? Password { get; set; }
}
