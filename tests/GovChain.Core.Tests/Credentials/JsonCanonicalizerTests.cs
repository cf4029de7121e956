using System.Text.Json.Nodes;
using GovChain.Core.Credentials;
using GovChain.Core.Hashing;

namespace GovChain.Core.Tests.Credentials;

public sealed class JsonCanonicalizerTests
{
    // RFC 8785's member-order and string-escaping examples, with nesting; the expected bytes
    // are what the npm 'canonicalize' package (used by the eddsa-jcs-2022 verifier) printed.
    private const string Input = """
        { "\u20ac": 1, "\r": 2, "\ufb33": 3, "1": 4, "\ud83d\ude00": 5, "\u0080": 6, "\u00f6": 7,
          "s": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/\u0007\u001f",
          "a": [null, true, false, -12, 9007199254740991, {"z": {}, "b": []}] }
        """;

    private const string ExpectedHex =
        "7b225c72223a322c2231223a342c2261223a5b6e756c6c2c747275652c66616c73652c2d31322c393030373139393235343734303939312c7b2262223a5b5d2c227a223a7b7d7d5d2c2273223a22e282ac245c75303030665c6e4127425c225c5c5c5c5c222f5c75303030375c7530303166222c22c280223a362c22c3b6223a372c22e282ac223a312c22f09f9880223a352c22efacb3223a337d";

    [Fact]
    public void Canonicalize_Rfc8785Examples_MatchesAnIndependentImplementation()
    {
        var bytes = JsonCanonicalizer.Canonicalize(JsonNode.Parse(Input));

        Assert.Equal(ExpectedHex, Hex.Encode(bytes));
    }

    [Fact]
    public void Canonicalize_BuiltAndParsedNodes_GiveTheSameBytes()
    {
        var built = new JsonObject { ["b"] = 2L, ["a"] = new JsonArray("x", true), ["c"] = 7UL };
        var parsed = JsonNode.Parse("""{"c":7,"a":["x",true],"b":2}""");

        Assert.Equal(JsonCanonicalizer.Canonicalize(parsed), JsonCanonicalizer.Canonicalize(built));
        Assert.Equal("""{"a":["x",true],"b":2,"c":7}""", System.Text.Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(built)));
    }

    [Theory]
    [InlineData("""{"n":1.5}""")]
    [InlineData("""{"n":9007199254740993}""")]
    [InlineData("""{"s":"\ud800"}""")]
    public void Canonicalize_WhatItCannotPrintAsEcmaScriptWould_Throws(string json)
    {
        Assert.Throws<NotSupportedException>(() => JsonCanonicalizer.Canonicalize(JsonNode.Parse(json)));
    }
}
