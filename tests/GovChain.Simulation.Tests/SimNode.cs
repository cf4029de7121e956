using GovChain.Consensus;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Simulation.Tests;

/// <summary>A committed block as a simulated node stores it: block, hash, certificate.</summary>
public sealed record StoredBlock(Block Block, Hash32 Hash, CommitCertificate Certificate);

/// <summary>
/// One simulated node: the real state machine plus what survives a crash (WAL and block
/// store) and what does not (the machine, its timers, pending work — tracked by an epoch).
/// </summary>
public sealed class SimNode(int index, IConsensusSigner signer, ByzantineKind byzantine)
{
    public int Index { get; } = index;

    public IConsensusSigner Signer { get; } = signer;

    public Hash32 Key { get; } = new(signer.PublicKey);

    public ByzantineKind Byzantine { get; } = byzantine;

    public bool Honest => Byzantine == ByzantineKind.None;

    public ConsensusMachine? Machine { get; set; }

    public bool Running => Machine is not null;

    /// <summary>Bumped at each crash, so timers and replies addressed to the previous life are discarded.</summary>
    public int Epoch { get; set; }

    public List<WalRecord> Wal { get; } = [];

    public List<StoredBlock> Chain { get; } = [];

    public ulong ChainHeight => (ulong)Chain.Count;

    /// <summary>Crash part-way through the next batch of actions (after a random number of them).</summary>
    public bool CrashInNextBatch { get; set; }

    /// <summary>After a wipe: follow without signing until block sync and a live decision bring it to the tip.</summary>
    public bool Follower { get; set; }

    public bool SyncedSinceWipe { get; set; }

    public ulong SyncWanted { get; set; }

    public bool SyncScheduled { get; set; }

    public long MessagesSent { get; set; }
}
