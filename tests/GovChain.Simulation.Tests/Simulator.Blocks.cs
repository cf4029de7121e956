using Google.Protobuf;
using GovChain.Consensus;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;
using GovChain.Protocol;

namespace GovChain.Simulation.Tests;

/// <summary>The simulated application: builds proposals and validates them as a node re-executing a block would.</summary>
public sealed partial class Simulator
{
    private Block? BuildBlock(SimNode node, ulong height)
    {
        if (node.ChainHeight + 1 != height)
        {
            return null;
        }

        var parent = height > 1 ? node.Chain[(int)height - 2] : null;
        var block = new Block();
        for (var i = _net.Next(3); i > 0; i--)
        {
            var body = new byte[16 + _net.Next(48)];
            _net.Fill(body);
            block.Transactions.Add(new SignedTransaction { Body = ByteString.CopyFrom(body), Signature = ByteString.CopyFrom(new byte[64]) });
        }

        // Evidence the proposer holds and the chain does not carry yet (a couple per block).
        foreach (var evidence in node.Machine!.Evidence)
        {
            if (block.Evidence.Count < 2 && !ChainCarries(node, evidence))
            {
                block.Evidence.Add(evidence);
            }
        }

        var txRoot = BlockHashing.TxRoot(block.Transactions);
        block.Header = new BlockHeader
        {
            ChainId = ChainId,
            Height = height,
            TimeUnixMs = Math.Max(_now, (parent?.Block.Header.TimeUnixMs ?? 0) + 1),
            PreviousHash = parent is null ? ByteString.Empty : ByteString.CopyFrom(parent.Hash.ToArray()),
            TxRoot = ByteString.CopyFrom(txRoot.ToArray()),
            StateRoot = ByteString.CopyFrom(StateRootAfter(parent, txRoot).ToArray()),
            ValidatorSetHash = ByteString.CopyFrom(SetFor(height).Hash.ToArray()),
            NextValidatorSetHash = ByteString.CopyFrom(SetFor(height + 1).Hash.ToArray()),
            Proposer = ByteString.CopyFrom(node.Signer.PublicKey),
            LastCommitHash = parent is null ? ByteString.Empty : ByteString.CopyFrom(parent.Certificate.Hash().ToArray()),
            ReceiptsRoot = ByteString.CopyFrom(MerkleTree.EmptyRoot.ToArray()),
            EvidenceHash = ByteString.CopyFrom(BlockHashing.EvidenceRoot(block.Evidence).ToArray()),
            TxCount = (uint)block.Transactions.Count,
        };
        block.LastCommit = parent?.Certificate;
        _checker.OnBuilt(block.Header.Hash());
        return block;
    }

    /// <summary>Why <paramref name="block"/> is not a valid next block of <paramref name="node"/>'s chain, or null.</summary>
    public string? Invalidity(SimNode node, Block block)
    {
        var header = block.Header;
        var height = header.Height;
        if (height != node.ChainHeight + 1)
        {
            return $"block {height} does not extend the node's chain of {node.ChainHeight}";
        }

        var parent = height > 1 ? node.Chain[(int)height - 2] : null;
        if (BlockHashing.CheckBodyAgainstHeader(block) is { } bodyError)
        {
            return bodyError;
        }

        if (header.ChainId != ChainId
            || !header.PreviousHash.Equals(parent is null ? ByteString.Empty : ByteString.CopyFrom(parent.Hash.ToArray()))
            || header.TimeUnixMs <= (parent?.Block.Header.TimeUnixMs ?? 0)
            || !SetFor(height).Hash.Equals(header.ValidatorSetHash.Span)
            || !SetFor(height + 1).Hash.Equals(header.NextValidatorSetHash.Span)
            || !SetFor(height).Contains(header.Proposer.Span)
            || !StateRootAfter(parent, new Hash32(header.TxRoot.Span)).Equals(header.StateRoot.Span))
        {
            return "header does not follow from the parent block";
        }

        foreach (var evidence in block.Evidence)
        {
            var about = evidence.DuplicateVote?.VoteA?.Height ?? evidence.DuplicateProposal?.ProposalA?.Height ?? 0;
            if (EvidenceVerifier.Check(evidence, SetFor(about), ChainId, _keys.Verifier) is { } evidenceError)
            {
                return "evidence: " + evidenceError;
            }
        }

        if (parent is not null)
        {
            var check = CertificateVerifier.Verify(block.LastCommit, SetFor(height - 1), ChainId, height - 1, parent.Hash, _keys.Verifier);
            if (!check.IsValid)
            {
                return "parent certificate: " + check.Reason;
            }
        }

        return null;
    }

    private bool IsValidBlock(SimNode node, Block block) => Invalidity(node, block) is null;

    private static Hash32 StateRootAfter(StoredBlock? parent, Hash32 txRoot)
    {
        var previous = parent is null ? Hash32.Zero : new Hash32(parent.Block.Header.StateRoot.Span);
        return Hashes.Tagged(HashDomain.StateNode, previous, txRoot);
    }

    private static bool ChainCarries(SimNode node, Evidence evidence)
    {
        foreach (var stored in node.Chain)
        {
            if (stored.Block.Evidence.Contains(evidence))
            {
                return true;
            }
        }

        return false;
    }
}
