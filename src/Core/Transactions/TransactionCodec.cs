using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Core.Transactions;

/// <summary>Building, signing, identifying and parsing transactions.</summary>
public static class TransactionCodec
{
    /// <summary>Tx id: SHA-256 over the tx domain tag and the exact body bytes that were signed.</summary>
    public static Hash32 Id(ReadOnlySpan<byte> bodyBytes) => Hashes.Tagged(HashDomain.TransactionId, bodyBytes);

    public static Hash32 Id(this SignedTransaction tx)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return Id(tx.Body.Span);
    }

    /// <summary>Encodes <paramref name="body"/> once and signs those exact bytes.</summary>
    public static SignedTransaction Sign(TransactionBody body, KeyPair signer)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(signer);
        var bytes = body.ToByteArray();
        Span<byte> signature = stackalloc byte[Ed25519.SignatureSize];
        signer.Sign(bytes, signature);
        return new SignedTransaction
        {
            Body = UnsafeByteOperations.UnsafeWrap(bytes),
            Signature = ByteString.CopyFrom(signature),
        };
    }

    /// <summary>Builds and signs a call of <paramref name="contract"/>.<paramref name="method"/> with typed arguments.</summary>
    public static SignedTransaction Create(
        string chainId, KeyPair signer, ulong nonce, string contract, string method, IMessage? args, string memo = "")
    {
        ArgumentNullException.ThrowIfNull(signer);
        var body = new TransactionBody
        {
            ChainId = chainId,
            Sender = ByteString.CopyFrom(signer.PublicKey),
            Nonce = nonce,
            Contract = contract,
            Method = method,
            Args = args is null ? ByteString.Empty : args.ToByteString(),
            Memo = memo,
        };
        return Sign(body, signer);
    }

    public static bool TryParseBody(ByteString bytes, out TransactionBody? body, out string reason)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            body = TransactionBody.Parser.ParseFrom(bytes);
            reason = string.Empty;
            return true;
        }
        catch (InvalidProtocolBufferException ex)
        {
            body = null;
            reason = "transaction body is not a valid TransactionBody: " + ex.Message;
            return false;
        }
    }
}
