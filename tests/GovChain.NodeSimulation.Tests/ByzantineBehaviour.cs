namespace GovChain.NodeSimulation.Tests;

/// <summary>What a Byzantine node of the simulator may do; a run enables a seeded subset of a configured mix.</summary>
[Flags]
public enum ByzantineBehaviour
{
    None = 0,

    /// <summary>Random bytes as consensus messages and as gossiped transactions.</summary>
    RandomBytes = 1 << 0,

    /// <summary>Flips bytes of its own messages and of honest messages it relays.</summary>
    FlipBytes = 1 << 1,

    /// <summary>Changes fields of its own and of relayed honest votes and proposals, re-signed with its own key.</summary>
    MutateAndResign = 1 << 2,

    /// <summary>Two proposals and two votes for one step, both validly signed.</summary>
    Equivocate = 1 << 3,

    /// <summary>Signed votes and proposals for heights far in the future.</summary>
    FarFutureHeights = 1 << 4,

    /// <summary>Proposals whose body (transactions) does not match the signed header.</summary>
    BodyMismatch = 1 << 5,

    /// <summary>Proposals padded past the block limit, re-signed so the header matches; sometimes past the message limit.</summary>
    Oversized = 1 << 6,

    /// <summary>Its proposals carry transactions whose signatures are stripped or forged (the tx ids, hence the header, unchanged).</summary>
    ForgeTxSignatures = 1 << 7,

    /// <summary>Reports the height 2^64-1 with every message.</summary>
    InflatedHeight = 1 << 8,

    /// <summary>Serves corrupted blocks to block sync.</summary>
    BadSyncBlocks = 1 << 9,

    /// <summary>Its proposals name another validator in the block's Proposer field (re-signed).</summary>
    ForeignProposer = 1 << 10,

    /// <summary>A flood of votes claiming honest validators' keys with forged signatures.</summary>
    ForgedVoteFlood = 1 << 11,

    /// <summary>Everything.</summary>
    All = (1 << 12) - 1,
}
