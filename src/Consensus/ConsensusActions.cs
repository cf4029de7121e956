using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Consensus;

/// <summary>
/// Something the driver must do, in the order given. A <see cref="WriteWal"/> must be
/// durable before any later <see cref="Broadcast"/> or <see cref="SendTo"/> of the same batch
/// is performed.
/// </summary>
public abstract record ConsensusAction;

/// <summary>Send to every validator (and to this node's own machine nothing: it has already counted its own message).</summary>
public sealed record Broadcast(ConsensusMessage Message) : ConsensusAction;

/// <summary>Send to the one validator holding the 32-byte public key <paramref name="Validator"/>.</summary>
public sealed record SendTo(Hash32 Validator, ConsensusMessage Message) : ConsensusAction;

/// <summary>After <paramref name="Delay"/>, feed back <see cref="TimeoutFired"/> with the same height, round and kind.</summary>
public sealed record ScheduleTimeout(ulong Height, uint Round, TimeoutKind Kind, TimeSpan Delay) : ConsensusAction;

/// <summary>This validator proposes at this height and round: build a block and answer with <see cref="ProposalReady"/>.</summary>
public sealed record RequestProposal(ulong Height, uint Round) : ConsensusAction;

/// <summary>Validate (re-execute) this proposed block and answer with <see cref="BlockValidated"/>.</summary>
public sealed record ValidateBlock(ulong Height, uint Round, Hash32 BlockHash, Block Block) : ConsensusAction;

/// <summary>Append this record to the consensus write-ahead log and make it durable before later sends of the batch.</summary>
public sealed record WriteWal(WalRecord Record) : ConsensusAction;

/// <summary>
/// The block is decided: more than 2/3 of the voting power precommitted it, as the
/// certificate proves. Persist and execute it, then answer with <see cref="CommitApplied"/>.
/// </summary>
public sealed record CommitBlock(Block Block, Hash32 BlockHash, CommitCertificate Certificate) : ConsensusAction;

/// <summary>A validator equivocated; the evidence can be put in a block.</summary>
public sealed record ReportEvidence(Evidence Evidence) : ConsensusAction;

/// <summary>
/// Peers have committed blocks this node lacks: they are at height
/// <paramref name="PeersHeight"/>. Fetch the missing blocks by block sync, apply them and
/// answer with <see cref="CommitApplied"/>.
/// </summary>
public sealed record Behind(ulong PeersHeight) : ConsensusAction;
