using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using GovChain.Core.Transactions;
using GovChain.Protocol;

namespace GovChain.Core.Tests.Transactions;

public class TransactionTests
{
    private const int MaxTxBytes = 64 * 1024;

    private static SignedTransaction NewTransfer(ulong nonce = 1)
    {
        using var key = TestKeys.Key(0);
        return TransactionCodec.Create(TestKeys.ChainId, key, nonce, "land", "offer", new EventAttribute { Key = "parcel", Value = "LR-0042" }, "file 2026/17");
    }

    [Fact]
    public void TryVerify_SignedTransaction_Succeeds()
    {
        var tx = NewTransfer();

        Assert.True(TransactionVerifier.TryVerify(tx, TestKeys.ChainId, MaxTxBytes, out var verified, out var error, out _));
        Assert.Equal(TransactionError.None, error);
        Assert.Equal(tx.Id(), verified!.Id);
        Assert.Equal("land", verified.Body.Contract);
        Assert.Equal(1UL, verified.Nonce);
    }

    [Fact]
    public void TryVerify_AnyChangedBodyByte_FailsSignature()
    {
        var tx = NewTransfer();
        var body = tx.Body.ToByteArray();
        for (var i = 0; i < body.Length; i++)
        {
            var changed = (byte[])body.Clone();
            changed[i] ^= 0x01;
            var tampered = new SignedTransaction { Body = ByteString.CopyFrom(changed), Signature = tx.Signature };

            Assert.False(TransactionVerifier.TryVerify(tampered, TestKeys.ChainId, MaxTxBytes, out _, out var error, out var reason));
            Assert.NotEqual(TransactionError.None, error);
            Assert.False(string.IsNullOrEmpty(reason));
        }
    }

    [Fact]
    public void TryVerify_WrongChainId_IsRefusedAsWrongChain()
    {
        var tx = NewTransfer();

        Assert.False(TransactionVerifier.TryVerify(tx, "another-chain", MaxTxBytes, out _, out var error, out var reason));
        Assert.Equal(TransactionError.WrongChain, error);
        Assert.Contains("another-chain", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryVerify_SignatureOfAnotherKey_IsRefused()
    {
        var tx = NewTransfer();
        using var other = TestKeys.Key(1);
        var forged = new SignedTransaction { Body = tx.Body, Signature = ByteString.CopyFrom(other.Sign(tx.Body.Span)) };

        Assert.False(TransactionVerifier.TryVerify(forged, TestKeys.ChainId, MaxTxBytes, out _, out var error, out _));
        Assert.Equal(TransactionError.BadSignature, error);
    }

    [Fact]
    public void TryVerify_MalformedBodyAndOversizedTransaction_AreRefusedWithReasons()
    {
        var garbage = new SignedTransaction { Body = ByteString.CopyFrom(0xFF, 0xFF, 0xFF), Signature = ByteString.CopyFrom(new byte[64]) };
        Assert.False(TransactionVerifier.TryVerify(garbage, TestKeys.ChainId, MaxTxBytes, out _, out var error, out _));
        Assert.Equal(TransactionError.Malformed, error);

        var tx = NewTransfer();
        Assert.False(TransactionVerifier.TryVerify(tx, TestKeys.ChainId, tx.CalculateSize() - 1, out _, out error, out var reason));
        Assert.Equal(TransactionError.TooLarge, error);
        Assert.Contains("limit", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryVerify_ZeroNonce_IsRefused()
    {
        Assert.False(TransactionVerifier.TryVerify(NewTransfer(nonce: 0), TestKeys.ChainId, MaxTxBytes, out _, out var error, out _));
        Assert.Equal(TransactionError.ZeroNonce, error);
    }

    [Fact]
    public void Id_IsDomainSeparatedHashOfExactBodyBytes()
    {
        var tx = NewTransfer();
        var plainSha = System.Security.Cryptography.SHA256.HashData(tx.Body.Span);

        Assert.NotEqual(GovChain.Core.Hashing.Hex.Encode(plainSha), tx.Id().ToString());
        Assert.Equal(TransactionCodec.Id(tx.Body.Span), tx.Id());
        Assert.NotEqual(NewTransfer(nonce: 2).Id(), tx.Id());
    }

    [Fact]
    public void Property_BodyEncodeDecode_RoundTripsAndKeepsTheId()
    {
        Prop.ForAll(
            Arb.From(Gen.Elements("land", "identity", "procurement", "system")),
            Arb.From(Gen.Choose(1, int.MaxValue)),
            ArbMap.Default.ArbFor<byte[]>(),
            (contract, nonce, args) =>
            {
                var body = new TransactionBody
                {
                    ChainId = TestKeys.ChainId,
                    Sender = ByteString.CopyFrom(new byte[32]),
                    Nonce = (ulong)nonce,
                    Contract = contract,
                    Method = "m",
                    Args = ByteString.CopyFrom(args ?? []),
                    Memo = Convert.ToBase64String(args ?? []),
                };
                var bytes = body.ToByteArray();
                var decoded = TransactionBody.Parser.ParseFrom(bytes);
                return decoded.Equals(body)
                    && TransactionCodec.Id(decoded.ToByteArray()) == TransactionCodec.Id(bytes);
            }).QuickCheckThrowOnFailure();
    }
}
