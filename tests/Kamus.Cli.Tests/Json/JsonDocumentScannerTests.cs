using System.Text;
using Kamus.Cli.Json;

namespace Kamus.Cli.Tests.Json;

public sealed class JsonDocumentScannerTests
{
    [Fact]
    public void Records_configuration_keys_like_the_json_provider()
    {
        var nodes = JsonDocumentScanner.Scan(Encoding.UTF8.GetBytes("""
            {
              // a comment
              "ConnectionStrings": { "Orders": "Server=x", /* inline */ "Audit": "Server=y", },
              "Hosts": [ "a", { "Password": "p" }, 3 ],
              "Flag": true, "Nothing": null, "Size": 1.5,
            }
            """));

        var byPath = nodes.ToDictionary(n => n.Path, n => n.Kind);
        Assert.Equal(JsonNodeKind.Object, byPath[""]);
        Assert.Equal(JsonNodeKind.String, byPath["ConnectionStrings:Orders"]);
        Assert.Equal(JsonNodeKind.String, byPath["ConnectionStrings:Audit"]);
        Assert.Equal(JsonNodeKind.Array, byPath["Hosts"]);
        Assert.Equal(JsonNodeKind.String, byPath["Hosts:0"]);
        Assert.Equal(JsonNodeKind.String, byPath["Hosts:1:Password"]);
        Assert.Equal(JsonNodeKind.Number, byPath["Hosts:2"]);
        Assert.Equal(JsonNodeKind.Boolean, byPath["Flag"]);
        Assert.Equal(JsonNodeKind.Null, byPath["Nothing"]);
        Assert.Equal(JsonNodeKind.Number, byPath["Size"]);
    }

    [Theory]
    [InlineData("{\"A\": \"plain\"}", "\"plain\"")]
    [InlineData("{\"A\":\"esc\\\"aped\\u00e9\"}", "\"esc\\\"aped\\u00e9\"")]
    [InlineData("\uFEFF{ /* c */ \"A\" : \"bom\" }", "\"bom\"")]
    [InlineData("{\r\n  \"A\": \"crlf\"\r\n}", "\"crlf\"")]
    public void String_offsets_cover_the_exact_token_with_its_quotes(string json, string token)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var node = Assert.Single(JsonDocumentScanner.Scan(bytes), n => n.Path == "A");

        Assert.Equal(token, Encoding.UTF8.GetString(bytes[node.Start..node.End]));
    }

    [Fact]
    public void Unescapes_names_and_values()
    {
        var nodes = JsonDocumentScanner.Scan(Encoding.UTF8.GetBytes("{\"Pa\\u0073s\": \"a\\nb\\u00e9\"}"));

        var node = Assert.Single(nodes, n => n.Path == "Pass");
        Assert.Equal("a\nb\u00e9", node.StringValue);
    }

    [Theory]
    [InlineData("{\n  \"A\": \"x\",\n  \"B\": s3cr3t\n}", 3)]
    [InlineData("{\"A\": \"x\"} trailing", 1)]
    [InlineData("{\"A\": \"unterminated", 1)]
    [InlineData("", 1)]
    [InlineData("   // only a comment", 1)]
    public void Invalid_json_names_the_line_and_never_the_content(string json, long line)
    {
        var error = Assert.Throws<JsonSyntaxException>(() => JsonDocumentScanner.Scan(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(line, error.Line);
        Assert.StartsWith("not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'s'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_in_a_string_is_a_syntax_error()
    {
        byte[] bytes = [.. "{\"A\": \""u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.Throws<JsonSyntaxException>(() => JsonDocumentScanner.Scan(bytes));
    }

    [Fact]
    public void A_node_never_prints_its_string_value()
    {
        var node = JsonDocumentScanner.Scan(Encoding.UTF8.GetBytes("""{ "Db": { "Password": "hunter2" } }""")).Single(n => n.Path == "Db:Password");

        Assert.Equal("hunter2", node.StringValue);
        Assert.DoesNotContain("hunter2", node.ToString(), StringComparison.Ordinal);
        Assert.Contains("Db:Password", node.ToString(), StringComparison.Ordinal);
    }
}
