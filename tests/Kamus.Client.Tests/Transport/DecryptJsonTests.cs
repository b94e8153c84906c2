using System.Text.Json;
using Kamus.Wire.Protocol;

namespace Kamus.Client.Tests.Transport;

/// <summary>
/// The client's hand-written decrypt bodies (<see cref="DecryptJson"/>) against the source-generated contracts the
/// server uses: byte for byte when writing (both the copied plain values and the escaped ones), the same result (or a
/// <see cref="JsonException"/> from both) when reading.
/// </summary>
public sealed class DecryptJsonTests
{
    public static TheoryData<string[]> Items => new()
    {
        Array.Empty<string>(),
        new[] { "k2e.AAAA.BBBB-_", "k2.x" },
        new[] { "env$abc/DEF09==:ghi", "k2.a.b-c_d" },
        new[] { "env$a+b/c==", "\"quoted\" \\ back", "tab\tnew\nline\u0001", "é ü 漢字 😀", "<script>&'`" },
    };

    public static TheoryData<string> Bodies => new()
    {
        """{"items":[{"plaintext":"a"},{"error":"Forbidden"},{"plaintext":"","error":null}]}""",
        """ { "items" : [ ] } """,
        """{"ITEMS":[{"PlainText":"a","Error":"InvalidCiphertext"}]}""",
        """{"other":{"items":[1,2]},"items":[{"plaintext":"x","extra":[{"a":1}],"more":null}],"tail":true}""",
        """{"items":null}""",
        """{}""",
        """null""",
        """{"items":[null,{"plaintext":null}]}""",
        """{"\u0069tems":[{"pl\u0061intext":"\u00e9\n\"x\""}]}""",
    };

    public static TheoryData<string> InvalidBodies => new()
    {
        """{"items":[{"plaintext":1}]}""",
        """{"items":"a"}""",
        """{"items":[true]}""",
        """{"items":[]} x""",
        """{"items":[{"plaintext":"first"}],"items":[{"plaintext":"second"}]}""",
        """{"items":[{"plaintext":"a","plaintext":"b"}]}""",
        """{"items":[{"error":"x","Error":"y"}]}""",
        """{"items":[{"plaintext":"a"}""",
        """[]""",
        """{"items":[{"error":{}}]}""",
        "",
    };

    [Theory]
    [MemberData(nameof(Items))]
    public void The_batch_request_is_the_contracts_json(string[] items)
    {
        var expected = JsonSerializer.SerializeToUtf8Bytes(new BatchDecryptRequest { Items = [.. items] }, KamusProtocolJsonContext.Default.BatchDecryptRequest);

        Assert.Equal(expected, DecryptJson.BatchRequest(items));
    }

    [Theory]
    [MemberData(nameof(Items))]
    public void The_single_request_is_the_contracts_json(string[] items)
    {
        foreach (var item in items)
        {
            var expected = JsonSerializer.SerializeToUtf8Bytes(new DecryptRequest { Data = item }, KamusProtocolJsonContext.Default.DecryptRequest);

            Assert.Equal(expected, DecryptJson.Request(item));
        }
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void The_batch_response_reads_as_the_contracts_do(string body)
    {
        var expected = JsonSerializer.Deserialize(body, KamusProtocolJsonContext.Default.BatchDecryptResponse);

        var actual = DecryptJson.ReadBatchResponse(body);

        Assert.Equal(Describe(expected), Describe(actual));
    }

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public void A_body_the_contracts_refuse_is_refused(string body)
    {
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(body, KamusProtocolJsonContext.Default.BatchDecryptResponse));
        Assert.ThrowsAny<JsonException>(() => DecryptJson.ReadBatchResponse(body));
    }

    private static string Describe(BatchDecryptResponse? response) =>
        response is null ? "null"
        : response.Items is null ? "items: null"
        : string.Join(" | ", response.Items.Select(item => item is null ? "null" : $"plaintext={item.Plaintext ?? "<null>"}, error={item.Error ?? "<null>"}"));
}
