using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using GovChain.Cli.Proofs;
using GovChain.Protocol;

namespace GovChain.Cli.Tests;

public sealed class ProofFileTests
{
    [Fact]
    public void Parse_BinaryAndJsonEncodings_RoundTripTheSameMessage()
    {
        var proof = SampleStateProof();

        var fromBinary = ProofFile.Parse(ProofFile.Of(proof).ToBinary());
        var fromJson = ProofFile.Parse(Encoding.UTF8.GetBytes(ProofFile.Of(proof).ToJson()));

        Assert.Equal(ProofKind.State, fromBinary.Kind);
        Assert.Equal(proof, fromBinary.State);
        Assert.Equal(ProofKind.State, fromJson.Kind);
        Assert.Equal(proof, fromJson.State);
    }

    [Fact]
    public void Parse_TransactionProof_KeepsItsKind()
    {
        var proof = new TransactionProof
        {
            Transaction = new SignedTransaction { Body = ByteString.CopyFromUtf8("body"), Signature = ByteString.CopyFrom(new byte[64]) },
            Receipt = new Receipt { Height = 3, Index = 1, Code = 0 },
        };

        var parsed = ProofFile.Parse(ProofFile.Of(proof).ToBinary());

        Assert.Equal(ProofKind.Transaction, parsed.Kind);
        Assert.Equal(proof, parsed.Transaction);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("GOVPROOF")]
    [InlineData("{\"format\":\"something-else\",\"version\":1}")]
    [InlineData("{\"format\":\"govchain-proof\",\"version\":2,\"kind\":\"state\",\"proof\":{}}")]
    [InlineData("{\"format\":\"govchain-proof\",\"version\":1,\"kind\":\"block\",\"proof\":{}}")]
    [InlineData("{\"format\":\"govchain-proof\",\"version\":1,\"kind\":\"state\",\"proof\":{\"proof\":{\"height\":\"many\"}}}")]
    [InlineData("{\"format\":\"govchain-proof\",\"version\":1,\"kind\":\"state\",\"proof\":{\"proof\":{\"unknownField\":1}}}")]
    [InlineData("{ not json")]
    public void Parse_NotAProof_IsAProofFileException(string text)
    {
        Assert.Throws<ProofFileException>(() => ProofFile.Parse(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Parse_BinaryWithUnknownVersionOrKind_IsAProofFileException()
    {
        var bytes = ProofFile.Of(SampleStateProof()).ToBinary();
        var version = bytes.ToArray();
        version[8] = 9;
        var kind = bytes.ToArray();
        kind[9] = 7;

        Assert.Contains("version 9", Assert.Throws<ProofFileException>(() => ProofFile.Parse(version)).Message, StringComparison.Ordinal);
        Assert.Contains("kind 7", Assert.Throws<ProofFileException>(() => ProofFile.Parse(kind)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CorruptedBytes_EitherParsesOrFailsWithAProofFileException()
    {
        var original = ProofFile.Of(SampleStateProof()).ToBinary();
        Prop.ForAll(
            Gen.Choose(10, original.Length - 1).ToArbitrary(),
            Gen.Choose(1, 255).ToArbitrary(),
            (position, flip) =>
            {
                var bytes = original.ToArray();
                bytes[position] ^= (byte)flip;
                try
                {
                    return ProofFile.Parse(bytes).Kind == ProofKind.State;
                }
                catch (ProofFileException)
                {
                    return true;
                }
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Parse_RandomPayloadAfterTheMagic_NeverThrowsAnythingElse()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), payload =>
        {
            byte[] bytes = [.. "GOVPROOF"u8, 1, 2, .. payload];
            try
            {
                ProofFile.Parse(bytes);
            }
            catch (ProofFileException)
            {
            }

            return true;
        }).QuickCheckThrowOnFailure();
    }

    private static CertifiedStateProof SampleStateProof() => new()
    {
        Proof = new StateProof
        {
            Key = ByteString.CopyFromUtf8("land/parcel/P-1"),
            Height = 7,
            Exists = true,
            Value = ByteString.CopyFrom(1, 2, 3),
            Siblings = { ByteString.CopyFrom(new byte[32]) },
        },
        Header = new BlockHeader { Height = 7, ChainId = "test" },
    };
}
