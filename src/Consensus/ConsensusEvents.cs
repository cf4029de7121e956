using GovChain.Core.Hashing;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Consensus;

/// <summary>Which timer a <see cref="ScheduleTimeout"/> set; it comes back in <see cref="TimeoutFired"/>.</summary>
public enum TimeoutKind
{
    Propose = 1,
    Prevote = 2,
    Precommit = 3,

    /// <summary>Re-send what this validator signed in the current round.</summary>
    Retransmit = 4,
}

/// <summary>Something that happened to the node, fed to <see cref="ConsensusMachine.Handle"/>.</summary>
public abstract record ConsensusEvent;

/// <summary>A consensus message arrived from a peer, already decoded.</summary>
public sealed record MessageReceived(ConsensusMessage Message) : ConsensusEvent;

/// <summary>A consensus message arrived from a peer as bytes; undecodable or oversized bytes are dropped and counted.</summary>
public sealed record MessageBytesReceived(ReadOnlyMemory<byte> Bytes) : ConsensusEvent;

/// <summary>A timer set by <see cref="ScheduleTimeout"/> fired. A stale one (other height, round or step) is ignored.</summary>
public sealed record TimeoutFired(ulong Height, uint Round, TimeoutKind Kind) : ConsensusEvent;

/// <summary>The node built the block asked for by <see cref="RequestProposal"/>; the machine signs and sends the proposal.</summary>
public sealed record ProposalReady(ulong Height, uint Round, Block Block) : ConsensusEvent;

/// <summary>The node's verdict on a block asked for by <see cref="ValidateBlock"/> (re-executed, state root checked).</summary>
public sealed record BlockValidated(ulong Height, Hash32 BlockHash, bool IsValid) : ConsensusEvent;

/// <summary>
/// The node applied every block up to <paramref name="Height"/> — the one this machine
/// committed, or blocks it fetched by block sync — and the validator set of height
/// <paramref name="Height"/> + 1 is <paramref name="NextValidators"/>. The machine moves to
/// that height. A height below the machine's is stale and ignored. After block sync, pass
/// the certificate of block <paramref name="Height"/> as <paramref name="Certificate"/> so the
/// machine can hand it to validators still voting at that height.
/// </summary>
public sealed record CommitApplied(ulong Height, WeightedValidatorSet NextValidators, CommitCertificate? Certificate = null) : ConsensusEvent;
