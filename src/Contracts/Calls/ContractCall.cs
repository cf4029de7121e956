using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Transactions;
using GovChain.Protocol;

namespace GovChain.Contracts;

/// <summary>A transaction method call with its typed arguments, ready to be put in a transaction body.</summary>
public sealed record ContractCall(string Contract, string Method, IMessage Args)
{
    public TransactionBody ToBody(string chainId, ReadOnlySpan<byte> sender, ulong nonce, ulong maxSteps = 0, string memo = "") => new()
    {
        ChainId = chainId,
        Sender = ByteString.CopyFrom(sender),
        Nonce = nonce,
        Contract = Contract,
        Method = Method,
        Args = Args.ToByteString(),
        MaxSteps = maxSteps,
        Memo = memo,
    };

    /// <summary>Builds the body and signs it with <paramref name="signer"/>.</summary>
    public SignedTransaction Sign(string chainId, KeyPair signer, ulong nonce, ulong maxSteps = 0, string memo = "")
    {
        ArgumentNullException.ThrowIfNull(signer);
        return TransactionCodec.Sign(ToBody(chainId, signer.PublicKey, nonce, maxSteps, memo), signer);
    }
}

/// <summary>A read-only query with its typed arguments; the result type is named on each builder.</summary>
public sealed record ContractQuery(string Contract, string Method, IMessage Args)
{
    public ByteString EncodedArgs => Args.ToByteString();
}
