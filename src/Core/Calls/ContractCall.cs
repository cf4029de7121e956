using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Transactions;
using GovChain.Protocol;

// The call vocabulary (this folder) sits in the root namespace on purpose: the engine, the
// node, the SDK and the CLI all build calls with it, and code in any GovChain.* namespace
// finds it without an import, so moving it here from GovChain.Contracts and GovChain.Client
// left every caller's source unchanged.
namespace GovChain;

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

/// <summary>A read-only call with its typed arguments, whatever its result type (the engine's view).</summary>
public abstract record ContractQuery(string Contract, string Method, IMessage Args)
{
    public ByteString EncodedArgs => Args.ToByteString();
}

/// <summary>A read-only call with the parser of its result (the client's view).</summary>
public sealed record ContractQuery<TResult>(string Contract, string Method, IMessage Args, MessageParser<TResult> ResultParser)
    : ContractQuery(Contract, Method, Args)
    where TResult : IMessage<TResult>;
