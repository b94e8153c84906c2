using System.Text;
using Kamus.Cli.Json;

namespace Kamus.Cli.Tests.Json;

public sealed class JsonEncryptionPlanTests
{
    private const string Document = "\uFEFF// appsettings for orders\r\n{\r\n  \"ConnectionStrings\": {\r\n    \"Orders\": \"Server=db;Password=p\\\"w\", // keep me\r\n    \"Audit\":\"kamus:k2.k1.already\"\r\n  },\r\n  \"Api\": { \"Key\": \"abc\", \"Name\": \"orders\" },\r\n  \"Empty\": \"\"\r\n}\r\n";

    [Fact]
    public void Replaces_only_the_selected_plaintext_values_and_keeps_every_other_byte()
    {
        var original = Encoding.UTF8.GetBytes(Document);
        var plan = JsonEncryptionPlan.Create(original, [ConfigPathPattern.Parse("ConnectionStrings:*"), ConfigPathPattern.Parse("Api:Key")], "appsettings.json");

        Assert.Equal(["ConnectionStrings:Orders", "Api:Key"], plan.Pending.Keys);
        Assert.Equal(1, plan.AlreadyEncrypted);
        Assert.Equal("Server=db;Password=p\"w", plan.Plaintexts()["ConnectionStrings:Orders"]);

        var updated = Encoding.UTF8.GetString(plan.Apply(new Dictionary<string, string>
        {
            ["ConnectionStrings:Orders"] = "ct+/1=",
            ["Api:Key"] = "ct2",
        }));

        Assert.Equal(Document.Replace("\"Server=db;Password=p\\\"w\"", "\"kamus:ct+/1=\"", StringComparison.Ordinal).Replace("\"abc\"", "\"kamus:ct2\"", StringComparison.Ordinal), updated);
    }

    [Fact]
    public void Empty_values_are_left_alone_and_reported()
    {
        var plan = JsonEncryptionPlan.Create(Encoding.UTF8.GetBytes(Document), [ConfigPathPattern.Parse("Empty")], "a.json");

        Assert.Empty(plan.Pending);
        Assert.Equal("Empty", Assert.Single(plan.Empty).Path);
    }

    [Fact]
    public void A_missing_answer_is_a_protocol_error_not_a_silent_skip()
    {
        var plan = JsonEncryptionPlan.Create(Encoding.UTF8.GetBytes(Document), [ConfigPathPattern.Parse("Api:Key")], "a.json");

        var error = Assert.Throws<Client.KamusException>(() => plan.Apply(new Dictionary<string, string>()));
        Assert.Equal(Client.KamusErrorKind.Protocol, error.Kind);
    }

    [Theory]
    [InlineData("Api:Secret", "key 'Api:Secret' does not exist in a.json.")]
    [InlineData("Api", "key 'Api' in a.json is an object, not a string (use 'Api:*' for its values).")]
    [InlineData("Nope:*", "key pattern 'Nope:*' matches no string value in a.json.")]
    public void A_key_that_selects_nothing_is_an_input_error(string key, string message)
    {
        var error = Assert.Throws<CliException>(() => JsonEncryptionPlan.Create(Encoding.UTF8.GetBytes(Document), [ConfigPathPattern.Parse(key)], "a.json"));

        Assert.Equal(ExitCodes.Input, error.ExitCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Duplicate_properties_are_all_encrypted_under_distinct_item_names()
    {
        var plan = JsonEncryptionPlan.Create(Encoding.UTF8.GetBytes("{\"A\":\"1\",\"A\":\"2\"}"), [ConfigPathPattern.Parse("A")], "a.json");

        Assert.Equal(["A", "A#2"], plan.Pending.Keys);
    }

    [Theory]
    [InlineData("quote\"back\\slash", "\"quote\\\"back\\\\slash\"")]
    [InlineData("line\nfeed\ttab\u0001", "\"line\\nfeed\\ttab\\u0001\"")]
    [InlineData("k2e.k1.a+b/c=", "\"k2e.k1.a+b/c=\"")]
    public void String_literals_escape_only_what_json_requires(string value, string literal) =>
        Assert.Equal(literal, Encoding.UTF8.GetString(JsonStringLiteral.Encode(value)));
}
