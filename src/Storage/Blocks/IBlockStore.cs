using GovChain.Core.Hashing;
using GovChain.Protocol;
using GovChain.Storage.State;

namespace GovChain.Storage.Blocks;

/// <summary>A committed block as stored: the block, its commit certificate and its hash.</summary>
public sealed record StoredBlock(Block Block, CommitCertificate Certificate, Hash32 Hash)
{
    public ulong Height => Block.Header.Height;
}

/// <summary>A committed transaction with where it sits and what it did.</summary>
public sealed record StoredTransaction(SignedTransaction Transaction, Hash32 Id, ulong Height, uint Index, Receipt Receipt);

/// <summary>
/// The chain of committed blocks and the transaction index. Every read is checked against the
/// hashes that commit to it; damaged data raises <see cref="StorageCorruptionException"/> and is
/// never returned.
/// </summary>
public interface IBlockStore
{
    /// <summary>Most blocks one <see cref="ReadRange"/> call returns.</summary>
    public const int MaxRangeBlocks = 1000;

    /// <summary>Height of the last committed block; 0 before the first.</summary>
    ulong LastHeight { get; }

    /// <summary>Hash of the last committed block; <see cref="Hash32.Zero"/> before the first.</summary>
    Hash32 LastBlockHash { get; }

    /// <summary>
    /// Commits a block at <see cref="LastHeight"/> + 1 with its certificate, its receipts (one
    /// per transaction, in order) and its prepared state, which must be for this height and
    /// whose root must be the header's state_root — all in one synced write batch with the tx
    /// index and the new last height. Throws <see cref="StorageException"/> and writes nothing
    /// when the block does not fit the chain.
    /// </summary>
    void Append(Block block, CommitCertificate certificate, IReadOnlyList<Receipt> receipts, PreparedState state);

    BlockHeader? GetHeader(ulong height);

    Hash32? GetBlockHash(ulong height);

    ulong? GetHeight(Hash32 blockHash);

    StoredBlock? GetBlock(ulong height);

    StoredBlock? GetBlock(Hash32 blockHash);

    CommitCertificate? GetCertificate(ulong height);

    /// <summary>The evidence a block carries, without reading its transactions; checked against its header's evidence hash.</summary>
    IReadOnlyList<Evidence>? GetEvidence(ulong height);

    /// <summary>The receipts of a block, checked against its header's receipts root.</summary>
    IReadOnlyList<Receipt>? GetReceipts(ulong height);

    StoredTransaction? GetTransaction(Hash32 txId);

    /// <summary>The blocks from <paramref name="fromHeight"/> to <paramref name="toHeight"/> inclusive that exist, at most <see cref="MaxRangeBlocks"/>, read lazily.</summary>
    IEnumerable<StoredBlock> ReadRange(ulong fromHeight, ulong toHeight);
}
