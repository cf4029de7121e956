using FsCheck;
using FsCheck.Fluent;

namespace GovChain.Rpc.Tests.Wire;

public class StatusMessageEncodingTests
{
    [Fact]
    public void Encode_NonAsciiAndPercent_ArePercentEncodedAsUtf8()
    {
        Assert.Equal("parcel 12%25 %C3%A9t%C3%A9", StatusMessageEncoding.Encode("parcel 12% été"));
        Assert.Equal("line%0Abreak", StatusMessageEncoding.Encode("line\nbreak"));
        Assert.Equal("plain text", StatusMessageEncoding.Encode("plain text"));
    }

    [Fact]
    public void Decode_MalformedEscape_IsKeptLiterally() =>
        Assert.Equal("50%zz and %", StatusMessageEncoding.Decode("50%zz and %"));

    [Fact]
    public void EncodeThenDecode_AnyString_RoundTripsAndStaysPrintableAscii()
    {
        Prop.ForAll<string>(text =>
        {
            text ??= string.Empty;
            // Lone surrogates cannot be represented in UTF-8; compare with what UTF-8 keeps.
            var expected = System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text));
            var encoded = StatusMessageEncoding.Encode(text);
            Assert.All(encoded, c => Assert.InRange(c, ' ', '~'));
            Assert.Equal(expected, StatusMessageEncoding.Decode(encoded));
        }).QuickCheckThrowOnFailure();
    }
}
