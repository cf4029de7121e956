using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;
using GovChain.Core.Transactions;

namespace GovChain.NodeSimulation.Tests;

/// <summary>
/// What must hold after every action of a run, on every honest node: no fault and no exception;
/// queues and pools within their bounds; every committed block linked to its parent, its body
/// matching its header, certified by the validators of its height, every transaction's
/// signature valid for its body; and no two honest nodes committing different blocks at a height.
/// Blocks are checked once each, as they appear.
/// </summary>
internal sealed class NodeInvariants
{
    private readonly SimChain _chain;
    private readonly IReadOnlyList<SimNode> _honest;
    private readonly Dictionary<ulong, (Hash32 Hash, int Node)> _decided = [];
    private readonly ulong[] _checkedUpTo;
    private static readonly GovChain.Node.Mempool.MempoolOptions PoolBounds = SimNode.PoolOptions;
    private long _checks;

    public NodeInvariants(SimChain chain, IReadOnlyList<SimNode> honest, NodeSimScenario scenario)
    {
        _chain = chain;
        _honest = honest;
        _checkedUpTo = new ulong[scenario.Validators];
    }

    public int TransactionsCommitted { get; private set; }

    public void Check(SimWire wire, TimeSpan now)
    {
        if (wire.Failures.Count > 0)
        {
            throw new NodeSimulationFailure("no crash: " + wire.Failures[0]);
        }

        foreach (var node in _honest)
        {
            if (node.Driver.Fault is { } fault)
            {
                throw new NodeSimulationFailure($"no fault: node {node.Index} stopped at height {node.Height} ({now.TotalMilliseconds} ms): {fault}");
            }

            CheckBounds(node);
            if (node.Height > _checkedUpTo[node.Index])
            {
                CheckChain(node, wire);
            }
        }

        _checks++;
    }

    public void CheckAll(SimWire wire)
    {
        foreach (var node in _honest)
        {
            CheckBounds(node);
            CheckChain(node, wire);
        }
    }

    private void CheckBounds(SimNode node)
    {
        var pool = PoolBounds;
        if (node.Pool.Count > pool.MaxTransactions || node.Pool.Bytes > pool.MaxBytes)
        {
            throw new NodeSimulationFailure($"bounded memory: node {node.Index} mempool holds {node.Pool.Count} transactions, {node.Pool.Bytes} bytes");
        }

        if (node.Driver.QueuedEvents > node.DriverOptions.QueueCapacity)
        {
            throw new NodeSimulationFailure($"bounded memory: node {node.Index} driver queue holds {node.Driver.QueuedEvents} events, bound {node.DriverOptions.QueueCapacity}");
        }

        if (_checks % 64 == 0 && node.Driver.PendingEvidence.Count > node.DriverOptions.MaxPendingEvidence)
        {
            throw new NodeSimulationFailure($"bounded memory: node {node.Index} holds {node.Driver.PendingEvidence.Count} pieces of evidence, bound {node.DriverOptions.MaxPendingEvidence}");
        }

        if (node.Network.Misbehaviour.Count > SimPeerNetwork.MaxReportsKept)
        {
            throw new NodeSimulationFailure($"bounded memory: node {node.Index} kept {node.Network.Misbehaviour.Count} misbehaviour reports");
        }
    }

    private void CheckChain(SimNode node, SimWire wire)
    {
        var blocks = node.Database.Blocks;
        for (var h = _checkedUpTo[node.Index] + 1; h <= node.Height; h++)
        {
            var stored = blocks.GetBlock(h) ?? throw new NodeSimulationFailure($"validity: node {node.Index} lost block {h}");
            var header = stored.Block.Header;
            var hash = header.Hash();
            if (hash != stored.Hash || header.Height != h)
            {
                throw new NodeSimulationFailure($"validity: node {node.Index} stores block {h} under hash {stored.Hash.ToShortString()}, its header hashes to {hash.ToShortString()}");
            }

            if (_decided.TryGetValue(h, out var first))
            {
                if (first.Hash != hash)
                {
                    throw new NodeSimulationFailure($"agreement: at height {h} node {first.Node} committed {first.Hash.ToShortString()} and node {node.Index} committed {hash.ToShortString()}");
                }
            }
            else
            {
                _decided[h] = (hash, node.Index);
                TransactionsCommitted += stored.Block.Transactions.Count;
            }

            var parent = h == 1 ? _chain.Genesis.Hash : blocks.GetBlockHash(h - 1)!.Value;
            if (new Hash32(header.PreviousHash.Span) != parent)
            {
                throw new NodeSimulationFailure($"validity: node {node.Index} block {h} does not link to its parent");
            }

            if (!wire.ProposersOf(hash).Contains(header.Proposer))
            {
                throw new NodeSimulationFailure($"validity: node {node.Index} block {h} names proposer {Convert.ToHexString(header.Proposer.Span)[..8]}, which signed no proposal of it");
            }

            var check = CommitCertificates.Verify(stored.Certificate, node.Validators.For(h), _chain.Genesis.SigningChainId, h, hash);
            if (!check.IsValid)
            {
                throw new NodeSimulationFailure($"validity: node {node.Index} block {h} has an invalid certificate: {check.Reason}");
            }

            var ids = new Hash32[stored.Block.Transactions.Count];
            for (var i = 0; i < ids.Length; i++)
            {
                var tx = stored.Block.Transactions[i];
                if (!TransactionVerifier.TryVerify(tx, SimChain.ChainId, SimChain.MaxTxBytes, out var verified, out _, out var reason))
                {
                    throw new NodeSimulationFailure($"validity: node {node.Index} block {h} stores transaction {i} ({tx.Id().ToShortString()}) that does not verify: {reason}");
                }

                ids[i] = verified!.Id;
                var indexed = blocks.GetTransaction(ids[i]);
                if (indexed is null || !indexed.Transaction.Signature.Equals(tx.Signature))
                {
                    throw new NodeSimulationFailure($"validity: node {node.Index} indexes transaction {ids[i].ToShortString()} of block {h} with another signature");
                }
            }

            if (header.TxCount != ids.Length || new Hash32(header.TxRoot.Span) != MerkleTree.RootOfHashes(ids))
            {
                throw new NodeSimulationFailure($"validity: node {node.Index} block {h} body does not match its header");
            }
        }

        _checkedUpTo[node.Index] = node.Height;
    }
}
