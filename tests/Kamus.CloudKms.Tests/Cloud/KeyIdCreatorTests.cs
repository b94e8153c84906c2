using Kamus.CloudKms.Tests.Support;
using Kamus.KeyManagement.Cloud;
using Kamus.Wire.Identity;

namespace Kamus.CloudKms.Tests.Cloud;

public sealed class KeyIdCreatorTests
{
    [Theory]
    [InlineData("namespace", "sa", "sbbHKpmiA23lwShC5gwcthXf-MGKiZcUdHvmOPH4zzc")]
    [InlineData("sa", "namespace", "HY030nYRS7jA9b0ONpm-kgdN9CRFlqzcwlhHnLbXqyo")] // upstream's own tests' id, "sa:namespace"
    [InlineData("ns-a", "sa1", "-k9DavwvuT1SgaHZd6R9Q2LGpuMkrwNXgaPSVy8rptM")]
    public void Names_keys_as_upstream_did(string @namespace, string serviceAccount, string expected)
    {
        // Upstream's own id is "namespace:serviceAccount" (its encrypt controller), hashed by its KeyIdCreator.
        var identity = new ServiceAccountIdentity(@namespace, serviceAccount);

        Assert.Equal(expected, KeyIdCreator.Create(identity));
        Assert.Equal(UpstreamKeyId.Create($"{@namespace}:{serviceAccount}"), KeyIdCreator.Create(identity));
    }

    [Fact]
    public void Names_are_valid_aws_aliases_key_vault_names_and_cloud_kms_ids()
    {
        foreach (var name in new[] { "a", "orders-api", "x.y.z", string.Join(".", Enumerable.Repeat(new string('s', 63), 3)) })
        {
            var id = KeyIdCreator.Create(new ServiceAccountIdentity("team-a", name));

            Assert.Equal(43, id.Length);
            Assert.All(id, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c == '-'));
        }
    }
}
