using GovChain.Core.Hashing;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Consensus;

/// <summary>The step of the current round, in protocol order.</summary>
public enum RoundStep
{
    Propose = 0,
    Prevote = 1,
    Precommit = 2,

    /// <summary>The height is decided; the machine waits for the node's <see cref="CommitApplied"/>.</summary>
    Commit = 3,
}

/// <summary>Everything received and done in one round of one height.</summary>
internal sealed class RoundState
{
    public RoundState(WeightedValidatorSet validators)
    {
        Prevotes = new VoteSet(validators);
        Precommits = new VoteSet(validators);
    }

    /// <summary>The first validly signed proposal of the round's proposer (a second one is evidence).</summary>
    public Proposal? Proposal { get; set; }

    public Hash32 ProposalHash { get; set; }

    public VoteSet Prevotes { get; }

    public VoteSet Precommits { get; }

    public bool ProposalRequested { get; set; }

    public bool PrevoteTimeoutScheduled { get; set; }

    public bool PrecommitTimeoutScheduled { get; set; }

    /// <summary>The prevote quorum for the proposal was acted on (lock / valid value), which happens once per round.</summary>
    public bool ProposalQuorumSeen { get; set; }

    public VoteSet Votes(VoteType type) => type == VoteType.Prevote ? Prevotes : Precommits;
}

/// <summary>What the node said about a proposed block.</summary>
internal enum BlockValidity
{
    Pending,
    Valid,
    Invalid,
}

/// <summary>A proposed block known at this height, and its validity.</summary>
internal sealed class BlockEntry(Block block, BlockValidity validity)
{
    public Block Block { get; set; } = block;

    public BlockValidity Validity { get; set; } = validity;

    /// <summary>How often another body for this (signed) header replaced one found invalid.</summary>
    public int BodyReplacements { get; set; }
}
