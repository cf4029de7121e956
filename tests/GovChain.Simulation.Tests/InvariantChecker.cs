using Google.Protobuf;
using GovChain.Consensus;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Simulation.Tests;

/// <summary>
/// Watches every step of a run: agreement, validity, certificates, no honest double-sign,
/// evidence only against Byzantine validators. Any violation throws <see cref="SimulationFailure"/>.
/// </summary>
public sealed class InvariantChecker(Simulator sim)
{
    private readonly Dictionary<ulong, Hash32> _decided = [];
    private readonly HashSet<Hash32> _built = [];
    private readonly Dictionary<(int Node, ulong Height, uint Round, int Kind), ByteString> _signed = [];
    private readonly Dictionary<int, ulong> _highestSigned = [];

    public int EvidenceReported { get; private set; }

    public void OnBuilt(Hash32 blockHash) => _built.Add(blockHash);

    /// <summary>No honest node ever signs two different votes or proposals for one height, round and step — across restarts too.</summary>
    public void OnSent(SimNode node, ConsensusMessage message)
    {
        if (!node.Honest)
        {
            return;
        }

        (ulong Height, uint Round, int Kind, ByteString What)? signed = message.KindCase switch
        {
            ConsensusMessage.KindOneofCase.Vote when node.Key.Equals(message.Vote.Validator.Span) =>
                (message.Vote.Height, message.Vote.Round, (int)message.Vote.Type, message.Vote.BlockHash),
            ConsensusMessage.KindOneofCase.Proposal when node.Key.Equals(message.Proposal.Proposer.Span) =>
                (message.Proposal.Height, message.Proposal.Round, 0, ByteString.CopyFrom(message.Proposal.Block.Header.Hash().ToArray())),
            _ => null,
        };
        if (signed is not { } s)
        {
            return;
        }

        var key = (node.Index, s.Height, s.Round, s.Kind);
        if (_signed.TryGetValue(key, out var earlier))
        {
            if (!earlier.Equals(s.What))
            {
                throw new SimulationFailure($"double sign: honest node {node.Index} signed two different {(s.Kind == 0 ? "proposals" : ((VoteType)s.Kind).ToString())}s at height {s.Height} round {s.Round} (at {sim.Now} ms)");
            }

            return;
        }

        _signed.Add(key, s.What);
        _highestSigned[node.Index] = Math.Max(_highestSigned.GetValueOrDefault(node.Index), s.Height);
    }

    public void OnCommit(SimNode node, Block block, Hash32 blockHash, CommitCertificate certificate)
    {
        var height = certificate.Height;
        if (block.Header.Height != height || !block.Header.Hash().Equals(blockHash))
        {
            throw new SimulationFailure($"node {node.Index} committed a block whose header does not match the certificate at height {height}");
        }

        if (!_built.Contains(blockHash))
        {
            throw new SimulationFailure($"validity: node {node.Index} committed block {blockHash.ToShortString()} at height {height}, which nobody proposed");
        }

        if (node.ChainHeight + 1 == height && sim.Invalidity(node, block) is { } reason)
        {
            throw new SimulationFailure($"validity: node {node.Index} committed an invalid block at height {height}: {reason}");
        }

        CheckCertificate(node, certificate, blockHash);
        Agree(node, height, blockHash);
    }

    public void CheckSyncedBlock(SimNode node, StoredBlock stored)
    {
        CheckCertificate(node, stored.Certificate, stored.Hash);
        Agree(node, stored.Certificate.Height, stored.Hash);
    }

    public void OnEvidence(SimNode node, Evidence evidence)
    {
        EvidenceReported++;
        var accused = evidence.KindCase == Evidence.KindOneofCase.DuplicateVote
            ? evidence.DuplicateVote.VoteA.Validator
            : evidence.DuplicateProposal.ProposalA.Proposer;
        var culprit = sim.Nodes.First(n => n.Key.Equals(accused.Span));
        if (culprit.Honest)
        {
            throw new SimulationFailure($"node {node.Index} reported evidence against honest node {culprit.Index}");
        }

        if (evidence.KindCase == Evidence.KindOneofCase.DuplicateVote)
        {
            var (a, b) = (evidence.DuplicateVote.VoteA, evidence.DuplicateVote.VoteB);
            if (a.Height != b.Height || a.Round != b.Round || a.Type != b.Type || a.BlockHash.Equals(b.BlockHash)
                || !VerifyVote(a) || !VerifyVote(b))
            {
                throw new SimulationFailure($"node {node.Index} reported duplicate-vote evidence that does not prove equivocation");
            }
        }
    }

    /// <summary>A wiped node restarts only when the others are past every height it signed at (as an operator would wait).</summary>
    public bool OthersPastWipe(SimNode node)
    {
        var signedUpTo = _highestSigned.GetValueOrDefault(node.Index);
        return sim.Nodes.Any(n => n != node && n.Running && n.Honest && n.ChainHeight >= signedUpTo + 1);
    }

    public void CheckFinal()
    {
        foreach (var node in sim.Nodes)
        {
            if (!node.Honest)
            {
                continue;
            }

            foreach (var stored in node.Chain)
            {
                Agree(node, stored.Certificate.Height, stored.Hash);
            }
        }
    }

    private void Agree(SimNode node, ulong height, Hash32 blockHash)
    {
        if (!node.Honest)
        {
            return;
        }

        if (_decided.TryGetValue(height, out var decided))
        {
            if (decided != blockHash)
            {
                throw new SimulationFailure($"agreement: node {node.Index} committed {blockHash.ToShortString()} at height {height}, another honest node {decided.ToShortString()}");
            }
        }
        else
        {
            _decided.Add(height, blockHash);
        }
    }

    private void CheckCertificate(SimNode node, CommitCertificate certificate, Hash32 blockHash)
    {
        var validators = sim.SetFor(certificate.Height);
        var check = sim.Scenario.RealEd25519
            ? CommitCertificates.Verify(certificate, validators, Simulator.ChainId, certificate.Height, blockHash)
            : CertificateVerifier.Verify(certificate, validators, Simulator.ChainId, certificate.Height, blockHash, sim.Verifier);
        if (!check.IsValid)
        {
            throw new SimulationFailure($"certificate of height {certificate.Height} from node {node.Index} does not verify: {check.Reason}");
        }
    }

    private bool VerifyVote(Vote vote)
    {
        if (sim.Scenario.RealEd25519)
        {
            return Votes.VerifySignature(Simulator.ChainId, vote);
        }

        return sim.Verifier.Verify(vote.Validator.Span, SignBytes.Vote(Simulator.ChainId, vote), vote.Signature.Span);
    }
}
