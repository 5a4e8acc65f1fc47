using System.Text.Json;
using Emx2Hpc.Core.Protocol;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Protocol;

/// <summary>The three cross-language vectors of hpc-protocol.json, signed with Core's HmacSigner.</summary>
public class HmacVectorTests
{
    public static TheoryData<string> VectorNames()
    {
        var data = new TheoryData<string>();
        foreach (var v in Vectors()) data.Add(v.GetProperty("name").GetString()!);
        return data;
    }

    [Fact]
    public void Contract_has_the_three_known_vectors() =>
        Assert.Equal(["json-post-create-job", "binary-put-upload", "get-with-query"], Vectors().Select(v => v.GetProperty("name").GetString()));

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Vector_signature_matches(string name)
    {
        var v = Vectors().Single(x => x.GetProperty("name").GetString() == name);
        var body = v.GetProperty("body").GetString()!;
        // JSON bodies are hashed; binary requests sign the Content-SHA256 header verbatim; empty bodies hash "".
        var bodyHash = v.TryGetProperty("content_sha256", out var declared) ? declared.GetString()! : BodyHash.OfUtf8(body);
        var signature = HmacSigner.Sign(ProtocolContract.Const("hmacFixtureSecret"), v.GetProperty("method").GetString()!,
            v.GetProperty("path").GetString()!, bodyHash, v.GetProperty("timestamp").GetString()!, v.GetProperty("nonce").GetString()!);
        Assert.Equal(v.GetProperty("expected_signature").GetString(), signature);
    }

    [Fact]
    public void Empty_body_hash_is_sha256_of_nothing()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", BodyHash.Empty);
        Assert.Equal(BodyHash.Empty, BodyHash.OfUtf8(""));
    }

    [Fact]
    public void Signature_comparison_is_case_sensitive()
    {
        var sig = HmacSigner.Sign("secret", "GET", "/api/hpc/jobs", BodyHash.Empty, "1", "n");
        Assert.True(HmacSigner.SignatureEquals(sig, sig));
        Assert.False(HmacSigner.SignatureEquals(sig, sig.ToUpperInvariant()));
    }

    [Fact]
    public void Canonical_string_is_five_lf_joined_fields_without_trailing_newline() =>
        Assert.Equal("POST\n/api/hpc/jobs?x=1\nh\n1735689600\nn", HmacSigner.CanonicalString("post", "/api/hpc/jobs?x=1", "h", "1735689600", "n"));

    private static JsonElement[] Vectors() => ProtocolContract.Definition("hmacVectors").GetProperty("const").EnumerateArray().ToArray();
}
