using FsCheck;
using FsCheck.Fluent;

namespace GovChain.Rpc.Tests.Wire;

public class MetadataTests
{
    [Theory]
    [InlineData("grpc-status")]
    [InlineData("grpc-custom")]
    [InlineData("content-type")]
    [InlineData(":path")]
    [InlineData("te")]
    [InlineData("bad key")]
    [InlineData("ключ")]
    [InlineData("")]
    public void Add_ReservedOrInvalidKey_IsRejected(string key) =>
        Assert.Throws<ArgumentException>(() => new Metadata().Add(key, "v"));

    [Fact]
    public void Add_UpperCaseKey_IsStoredLowerCase()
    {
        var metadata = new Metadata().Add("X-Department", "land-registry");
        Assert.Equal("x-department", metadata[0].Key);
        Assert.Equal("land-registry", metadata.GetValue("x-department"));
    }

    [Fact]
    public void Add_BinaryValueUnderAsciiKey_IsRejected_AndAsciiUnderBinaryKey_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => new Metadata().Add("x-data", new byte[] { 1 }));
        Assert.Throws<ArgumentException>(() => new Metadata().Add("x-data-bin", "text"));
        Assert.Throws<ArgumentException>(() => new Metadata().Add("x-data", "tab\there"));
    }

    [Fact]
    public void TryDecodeBinaryHeader_PaddedUnpaddedAndCommaSeparated_AllDecode()
    {
        var output = new List<byte[]>();
        Assert.True(GrpcWire.TryDecodeBinaryHeader("AQID,AQI=, AQ", output));
        Assert.Equal(new byte[][] { [1, 2, 3], [1, 2], [1] }, output);
    }

    [Fact]
    public void TryDecodeBinaryHeader_NotBase64_Fails() =>
        Assert.False(GrpcWire.TryDecodeBinaryHeader("!!!!", []));

    [Fact]
    public void EncodeBinaryHeader_AnyBytes_DecodesBack()
    {
        Prop.ForAll<byte[]>(bytes =>
        {
            bytes ??= [];
            var output = new List<byte[]>();
            Assert.True(GrpcWire.TryDecodeBinaryHeader(GrpcWire.EncodeBinaryHeader(bytes), output));
            Assert.Equal(bytes.Length == 0 ? [] : new[] { bytes }, output);
        }).QuickCheckThrowOnFailure();
    }
}
