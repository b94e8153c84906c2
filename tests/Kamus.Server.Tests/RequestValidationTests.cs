using System.Net;
using System.Text;
using Kamus.Testing;

namespace Kamus.Server.Tests;

public sealed class RequestValidationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RawKamusApi Api => fixture.Api;

    [Fact]
    public async Task The_default_service_account_is_refused_on_encrypt_with_400_and_on_decrypt_with_403()
    {
        using var v1 = await Api.EncryptAsync("x", "default", "ns-a");
        using var v2 = await Api.EncryptManyAsync("default", "ns-a", new Dictionary<string, string> { ["a"] = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, v1.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, v2.StatusCode);
        Assert.Contains("default service account", await v1.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var ciphertext = await Api.EncryptOkAsync("x", "sa1", "ns-a");
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), await Api.DecryptTextAsync(ServerFixture.TokenDefault, ciphertext));
        using var batch = await Api.DecryptManyAsync(ServerFixture.TokenDefault, [ciphertext]);
        Assert.Equal(HttpStatusCode.Forbidden, batch.StatusCode);
    }

    [Fact]
    public async Task A_token_of_a_user_that_is_not_a_service_account_is_refused_with_403()
    {
        var ciphertext = await Api.EncryptOkAsync("x", "sa1", "ns-a");

        Assert.Equal(HttpStatusCode.Forbidden, (await Api.DecryptTextAsync(ServerFixture.TokenHuman, ciphertext)).Status);
    }

    [Theory]
    [InlineData(null, "sa1", "ns-a", "missing field: data")]
    [InlineData("x", null, "ns-a", "missing field: service-account")]
    [InlineData("x", "", "ns-a", "missing field: service-account")]
    [InlineData("x", "sa1", null, "missing field: namespace")]
    [InlineData("x", "sa1", "Ns-A", "invalid namespace name")]
    [InlineData("x", "sa1", "ns_a", "invalid namespace name")]
    [InlineData("x", "sa1", "-ns", "invalid namespace name")]
    [InlineData("x", "sa1", "ns.a", "invalid namespace name")]
    [InlineData("x", "SA1", "ns-a", "invalid service-account name")]
    [InlineData("x", "sa 1", "ns-a", "invalid service-account name")]
    [InlineData("x", "sa1:x", "ns-a", "invalid service-account name")]
    public async Task Encrypt_refuses_missing_fields_and_invalid_kubernetes_names_with_400(string? data, string? serviceAccount, string? @namespace, string message)
    {
        using var response = await Api.EncryptAsync(data, serviceAccount, @namespace);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_empty_string_encrypts_and_decrypts_to_the_empty_string_as_upstream_allows()
    {
        var ciphertext = await Api.EncryptOkAsync("", "sa1", "ns-a");

        Assert.StartsWith("k2.k0.", ciphertext, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, ""), await Api.DecryptTextAsync(ServerFixture.TokenA1, ciphertext));
    }

    [Theory]
    [InlineData("api/v1/encrypt", null, """{"data":"x","service-account":"sa1","namespace":"ns-a"} {"data":"y"}""")]
    [InlineData("api/v1/encrypt", null, """{"data":"x","service-account":"sa1","namespace":"ns-a"}x""")]
    [InlineData("api/v1/encrypt", null, """{"data":"x","service-account":"sa1","namespace":"ns-a","namespace":"ns-b"}""")]
    [InlineData("api/v1/encrypt", null, """{"data":"x","service-account":"sa1","namespace":"ns-a","Namespace":"ns-b"}""")]
    [InlineData("api/v2/encrypt", null, """{"service-account":"sa1","namespace":"ns-a","items":{"a":"1","a":"2"}}""")]
    [InlineData("api/v1/decrypt", ServerFixture.TokenA1, """{"data":"x","data":"y"}""")]
    [InlineData("api/v1/decrypt", ServerFixture.TokenA1, """{"data":"x"}[]""")]
    [InlineData("api/v2/decrypt", ServerFixture.TokenA1, """{"items":["x"],"items":["y"]}""")]
    [InlineData("api/v2/decrypt", ServerFixture.TokenA1, """{"items":["x"]},""")]
    public async Task Trailing_data_and_duplicate_properties_are_refused_with_400(string path, string? token, string body)
    {
        using var response = await Api.PostRawAsync(path, token, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("malformed request body", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Upstreams_exact_request_shapes_are_accepted_with_trailing_whitespace()
    {
        using var encrypt = await Api.PostRawAsync("api/v1/encrypt", null, new StringContent("{\"data\": \"x\", \"service-account\": \"sa1\", \"namespace\": \"ns-a\"}\n", Encoding.UTF8, "application/json"));
        var ciphertext = await encrypt.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, encrypt.StatusCode);

        using var decrypt = await Api.PostRawAsync("api/v1/decrypt", ServerFixture.TokenA1, new StringContent($"{{\"data\":\"{ciphertext}\"}}\r\n", Encoding.UTF8, "application/json"));
        Assert.Equal("x", await decrypt.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_namespace_longer_than_63_characters_is_refused()
    {
        using var response = await Api.EncryptAsync("x", "sa1", new string('a', 64));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("api/v1/encrypt", null)]
    [InlineData("api/v2/encrypt", null)]
    [InlineData("api/v1/decrypt", ServerFixture.TokenA1)]
    [InlineData("api/v2/decrypt", ServerFixture.TokenA1)]
    public async Task Malformed_or_incomplete_bodies_are_refused_with_400(string path, string? token)
    {
        foreach (var body in new[] { "{", "not json", "[]", "null", "{}", """{"items":[]}""", """{"data":5}""" })
        {
            using var response = await Api.PostRawAsync(path, token, new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} with {body} answered {(int)response.StatusCode}");
        }
    }

    [Theory]
    [InlineData("api/v1/encrypt", null, true)]
    [InlineData("api/v2/encrypt", null, true)]
    [InlineData("api/v1/decrypt", ServerFixture.TokenA1, true)]
    [InlineData("api/v2/decrypt", ServerFixture.TokenA1, true)]
    [InlineData("api/v1/encrypt", null, false)]
    [InlineData("api/v1/decrypt", ServerFixture.TokenA1, false)]
    public async Task Bodies_over_1_MiB_are_refused_with_413_with_or_without_a_content_length(string path, string? token, bool withLength)
    {
        var json = "{\"data\":\"" + new string('a', (1024 * 1024) + 10) + "\",\"service-account\":\"sa1\",\"namespace\":\"ns-a\"}";
        HttpContent content = withLength ? new StringContent(json, Encoding.UTF8, "application/json") : new ChunkedContent(json);

        using var response = await Api.PostRawAsync(path, token, content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Batches_over_5000_items_are_refused_with_413()
    {
        var items = Enumerable.Range(0, 5001).ToDictionary(i => $"k{i}", i => "v");

        using var encrypt = await Api.EncryptManyAsync("sa1", "ns-a", items);
        using var decrypt = await Api.DecryptManyAsync(ServerFixture.TokenA1, items.Values);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, encrypt.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, decrypt.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("unknown-token")]
    public async Task Missing_and_unknown_tokens_are_refused_with_401(string? token)
    {
        var ciphertext = CompatVectors.All[0].Ciphertext;

        var (status, body) = await Api.DecryptTextAsync(token, ciphertext);
        using var batch = await Api.DecryptManyAsync(token, [ciphertext]);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.DoesNotContain("token-", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, batch.StatusCode);
    }

    [Fact]
    public async Task A_non_bearer_authorization_header_is_refused_with_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/decrypt")
        {
            Content = new StringContent("""{"data":"x"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + ServerFixture.TokenA1);
        using var http = fixture.Host.CreateHttpClient();

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("k2.k0.!!!")]
    [InlineData("k2.nokey.AAAA")]
    [InlineData("env$x$y")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==:AAAA")]
    public async Task Malformed_ciphertexts_are_refused_with_400(string ciphertext)
    {
        var (status, body) = await Api.DecryptTextAsync(ServerFixture.TokenA1, ciphertext);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid ciphertext", body);
    }

    [Fact]
    public async Task A_v2_value_under_an_unknown_key_id_is_refused_with_400()
    {
        var ciphertext = await Api.EncryptOkAsync("x", "sa1", "ns-a");

        var (status, _) = await Api.DecryptTextAsync(ServerFixture.TokenA1, "k2.k9." + ciphertext.Split('.')[2]);

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task Health_endpoints_answer()
    {
        using var http = fixture.Host.CreateHttpClient();

        Assert.Equal("true", await http.GetStringAsync("api/v1/isAlive"));
        Assert.Equal("ok", await http.GetStringAsync("healthz"));
    }

    /// <summary>A body sent with chunked transfer encoding: no Content-Length for the server to check up front.</summary>
    private sealed class ChunkedContent(string text) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            stream.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
