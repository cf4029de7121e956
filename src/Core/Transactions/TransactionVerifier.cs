using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Core.Transactions;

/// <summary>Why a transaction was refused before execution.</summary>
public enum TransactionError
{
    None = 0,
    Malformed,
    TooLarge,
    WrongChain,
    BadSender,
    BadSignature,
    ZeroNonce,
    MissingContract,
}

/// <summary>Parses and checks a signed transaction: size, encoding, chain id, sender key, signature.</summary>
public static class TransactionVerifier
{
    public const int MaxChainIdBytes = 64;

    public static bool TryVerify(
        SignedTransaction signed,
        string chainId,
        int maxTxBytes,
        out VerifiedTransaction? verified,
        out TransactionError error,
        out string reason)
    {
        ArgumentNullException.ThrowIfNull(signed);
        verified = null;
        var size = signed.CalculateSize();
        if (size > maxTxBytes)
        {
            return Fail(TransactionError.TooLarge, $"transaction is {size} bytes, the limit is {maxTxBytes}", out error, out reason);
        }

        if (!TransactionCodec.TryParseBody(signed.Body, out var body, out var parseReason))
        {
            return Fail(TransactionError.Malformed, parseReason, out error, out reason);
        }

        if (!string.Equals(body!.ChainId, chainId, StringComparison.Ordinal))
        {
            return Fail(TransactionError.WrongChain, $"transaction is for chain '{Clip(body.ChainId)}', this is '{chainId}'", out error, out reason);
        }

        if (body.Sender.Length != Ed25519.PublicKeySize)
        {
            return Fail(TransactionError.BadSender, $"sender key is {body.Sender.Length} bytes, an Ed25519 key is 32", out error, out reason);
        }

        if (body.Nonce == 0)
        {
            return Fail(TransactionError.ZeroNonce, "nonce must start at 1", out error, out reason);
        }

        if (body.Contract.Length == 0 || body.Method.Length == 0)
        {
            return Fail(TransactionError.MissingContract, "contract and method must be named", out error, out reason);
        }

        if (!Ed25519.Verify(body.Sender.Span, signed.Body.Span, signed.Signature.Span))
        {
            return Fail(TransactionError.BadSignature, "signature does not verify against the sender key and body", out error, out reason);
        }

        verified = new VerifiedTransaction(signed, body, TransactionCodec.Id(signed.Body.Span));
        error = TransactionError.None;
        reason = string.Empty;
        return true;
    }

    private static bool Fail(TransactionError code, string message, out TransactionError error, out string reason)
    {
        error = code;
        reason = message;
        return false;
    }

    private static string Clip(string s) => s.Length <= MaxChainIdBytes ? s : s[..MaxChainIdBytes] + "...";
}
