using System.Net.Http.Headers;
using Kamus.Client.Transport;

namespace Kamus.Client.Tests.Transport;

public sealed class ResponseTextTests
{
    [Theory]
    [InlineData("text/plain", "super-secret", "super-secret")]
    [InlineData("text/plain", "\"quoted\"", "\"quoted\"")]
    [InlineData(null, "\"quoted\"", "\"quoted\"")]
    [InlineData("application/json", "123", "123")]
    [InlineData("application/json", "true", "true")]
    [InlineData("application/json", "{\"a\":1}", "{\"a\":1}")]
    [InlineData("application/json", "\"a\"", "a")]
    [InlineData("application/json", "\"p@ss \\\"w0rd\\\" \\u00e9\"", "p@ss \"w0rd\" é")]
    [InlineData("application/problem+json", "\"a\"", "a")]
    [InlineData("application/json", "\"a\" \"b\"", "\"a\" \"b\"")]
    [InlineData("application/json", "super-secret", "super-secret")]
    [InlineData("application/json", " \"x\"\n", "x")]
    public void Reads_values_without_changing_them(string? mediaType, string body, string expected)
    {
        var contentType = mediaType is null ? null : new MediaTypeHeaderValue(mediaType);
        Assert.Equal(expected, ResponseText.Read(body, contentType));
    }
}
