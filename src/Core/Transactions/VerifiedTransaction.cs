using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Core.Transactions;

/// <summary>
/// A transaction whose body parsed and whose signature checked out. Only
/// <see cref="TransactionVerifier"/> makes these, so holding one means the check was done —
/// the rest of the node never verifies the same signature again.
/// </summary>
public sealed class VerifiedTransaction
{
    internal VerifiedTransaction(SignedTransaction signed, TransactionBody body, Hash32 id)
    {
        Signed = signed;
        Body = body;
        Id = id;
        Sender = new Hash32(body.Sender.Span);
    }

    public SignedTransaction Signed { get; }

    public TransactionBody Body { get; }

    public Hash32 Id { get; }

    /// <summary>The sender's public key as a value, for per-sender maps.</summary>
    public Hash32 Sender { get; }

    public ulong Nonce => Body.Nonce;

    /// <summary>Encoded size on the wire (body plus signature).</summary>
    public int Size => Signed.CalculateSize();
}
