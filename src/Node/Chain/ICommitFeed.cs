using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Node.Chain;

/// <summary>
/// Committed blocks as they happen: the block executor publishes each one right after its
/// write batch is durable; the client API waits on it (WaitForTransaction) and streams from it
/// (StreamBlocks, StreamEvents). Subscribers that fall behind read from the store, never from
/// an unbounded buffer.
/// </summary>
public interface ICommitFeed
{
    /// <summary>Height of the last published block.</summary>
    ulong Height { get; }

    /// <summary>Called by the block executor once block, certificate and receipts are durable.</summary>
    void Publish(CertifiedBlock committed);

    /// <summary>Completes when the transaction is committed (at once if it already is); cancelled with the token.</summary>
    Task WaitForTransactionAsync(Hash32 txId, CancellationToken cancellationToken);

    /// <summary>Committed blocks from <paramref name="fromHeight"/> on: stored ones first, then each new one, in height order without gaps.</summary>
    IAsyncEnumerable<CertifiedBlock> SubscribeAsync(ulong fromHeight, CancellationToken cancellationToken);
}
