using GovChain.Core.Hashing;
using GovChain.Node.Consensus;
using GovChain.Node.Mempool;
using GovChain.Protocol;
using GovChain.Storage.Blocks;

namespace GovChain.Node.Network;

/// <summary>
/// The node's side of the peer network: consensus messages go to the consensus loop's
/// bounded queue, gossiped transactions through mempool admission, block-sync requests are
/// served from the block store in bounded ranges.
/// </summary>
public sealed class NodePeerHandler : IPeerHandler
{
    /// <summary>Most blocks served for one request.</summary>
    public const int MaxBlocksPerRequest = 500;

    /// <summary>Most transactions admitted from one gossip batch; the rest is refused as back-pressure.</summary>
    public const int MaxGossipBatch = 10_000;

    private readonly IBlockStore _blocks;
    private readonly TransactionAdmission _admission;
    private readonly ConsensusDriver _driver;

    public NodePeerHandler(IBlockStore blocks, TransactionAdmission admission, ConsensusDriver driver)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(admission);
        ArgumentNullException.ThrowIfNull(driver);
        _blocks = blocks;
        _admission = admission;
        _driver = driver;
    }

    public ulong Height => _blocks.LastHeight;

    public void OnConsensusMessage(Hash32 fromValidator, ConsensusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _driver.TryEnqueue(fromValidator, message);
    }

    public AdmissionResult[] OnTransactions(Hash32 fromValidator, IReadOnlyList<SignedTransaction> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        if (transactions.Count <= MaxGossipBatch)
        {
            return _admission.Admit(transactions, fromPeer: true);
        }

        var results = new AdmissionResult[transactions.Count];
        _admission.Admit(transactions.Take(MaxGossipBatch).ToList(), fromPeer: true).CopyTo(results, 0);
        for (var i = MaxGossipBatch; i < results.Length; i++)
        {
            results[i] = new AdmissionResult(AdmissionCode.PoolFull, default, $"a gossip batch holds at most {MaxGossipBatch} transactions");
        }

        return results;
    }

    public IEnumerable<CertifiedBlock> ReadBlocks(ulong fromHeight, ulong toHeight)
    {
        if (fromHeight == 0 || toHeight < fromHeight)
        {
            yield break;
        }

        var last = Math.Min(toHeight, fromHeight + MaxBlocksPerRequest - 1);
        while (fromHeight <= last)
        {
            var any = false;
            foreach (var stored in _blocks.ReadRange(fromHeight, last))
            {
                any = true;
                var certified = new CertifiedBlock { Block = stored.Block, Certificate = stored.Certificate };
                certified.Receipts.AddRange(_blocks.GetReceipts(stored.Height) ?? []);
                fromHeight = stored.Height + 1;
                yield return certified;
            }

            if (!any)
            {
                yield break;
            }
        }
    }

    public void OnPeerHeight(Hash32 validator, ulong height) => _driver.OnPeerHeight(validator, height);
}
