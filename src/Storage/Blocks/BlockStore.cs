using System.Diagnostics;
using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using GovChain.Storage.Engine;
using GovChain.Storage.State;

namespace GovChain.Storage.Blocks;

/// <summary>
/// Blocks by height (without their transactions), block hash → height, transactions and
/// receipts by (height, index), and tx id → (height, index). An append checks the block
/// against the chain and against itself before anything is written.
/// </summary>
internal sealed partial class BlockStore : IBlockStore
{
    private readonly IKeyValueStore _kv;
    private readonly StateStore _state;
    private readonly StorageOptions _options;
    private readonly Lock _commitLock;
    private readonly string _chainId;
    private readonly Hash32 _genesisHash;
    private readonly RecordBuffer _records = new();
    private ulong _lastHeight;
    private Hash32 _lastHash;

    public BlockStore(IKeyValueStore kv, StateStore state, StorageOptions options, Lock commitLock, string chainId, Hash32 genesisHash, ulong lastHeight, Hash32 lastHash)
    {
        _kv = kv;
        _state = state;
        _options = options;
        _commitLock = commitLock;
        _chainId = chainId;
        _genesisHash = genesisHash;
        _lastHeight = lastHeight;
        _lastHash = lastHash;
    }

    public ulong LastHeight => Volatile.Read(ref _lastHeight);

    public Hash32 LastBlockHash
    {
        get
        {
            lock (_commitLock)
            {
                return _lastHash;
            }
        }
    }

    public void Append(Block block, CommitCertificate certificate, IReadOnlyList<Receipt> receipts, PreparedState state)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(receipts);
        ArgumentNullException.ThrowIfNull(state);
        var started = Stopwatch.GetTimestamp();
        lock (_commitLock)
        {
            var height = _lastHeight + 1;
            var hash = CheckFitsChain(block, height);
            var ids = CheckContents(block, certificate, receipts, state, height, hash);

            using var batch = _kv.CreateBatch();
            var skeleton = new Block { Header = block.Header, LastCommit = block.LastCommit };
            skeleton.Evidence.AddRange(block.Evidence);
            var record = new BlockRecord(hash, certificate.Hash(), skeleton.ToByteArray(), certificate.ToByteArray()).Encode();
            batch.Put(Column.Blocks, StorageKeys.Height(height), record);
            batch.Put(Column.BlockHashes, hash.ToArray(), StorageKeys.Height(height));

            // Each transaction and receipt is serialized once, into a reused buffer: the receipt's
            // bytes give both its stored record and its leaf of the receipts root.
            Span<byte> position = stackalloc byte[StorageKeys.HeightIndexSize];
            Span<byte> id = stackalloc byte[Hash32.Size];
            var receiptHashes = new Hash32[ids.Length];
            for (var i = 0; i < ids.Length; i++)
            {
                StorageKeys.WriteHeightIndex(position, height, (uint)i);
                ids[i].CopyTo(id);
                batch.Put(Column.Transactions, position, _records.Frame(block.Transactions[i], out _));
                batch.Put(Column.Receipts, position, _records.Frame(receipts[i], out var receiptBytes));
                receiptHashes[i] = Hashes.Tagged(HashDomain.Receipt, receiptBytes);
                batch.Put(Column.TxIndex, id, position);
            }

            if (!MerkleTree.RootOfHashes(receiptHashes).Equals(block.Header.ReceiptsRoot.Span))
            {
                throw new StorageException($"The receipts do not match the receipts root of block {height}.");
            }

            var pending = _state.WriteCommit(batch, state);
            var last = new byte[StorageKeys.HeightSize + Hash32.Size];
            StorageKeys.Height(height).CopyTo(last, 0);
            hash.CopyTo(last.AsSpan(StorageKeys.HeightSize));
            batch.Put(Column.Meta, StorageKeys.LastCommitted, last);

            var bytes = batch.ByteSize;
            _kv.Write(batch, _options.SyncWrites);

            _state.ApplyCommitted(pending);
            _lastHash = hash;
            Volatile.Write(ref _lastHeight, height);
            StorageMetrics.Appended(bytes, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private Hash32 CheckFitsChain(Block block, ulong height)
    {
        var header = block.Header ?? throw new StorageException("The block has no header.");
        if (header.Height != height)
        {
            throw new StorageException($"Block of height {header.Height} cannot be appended: the next height is {height}.");
        }

        if (header.ChainId != _chainId)
        {
            throw new StorageException($"Block {height} is for chain '{header.ChainId}', this database holds '{_chainId}'.");
        }

        var previous = header.PreviousHash.Span;
        var linked = height == 1 ? previous.IsEmpty || _genesisHash.Equals(previous) : _lastHash.Equals(previous);
        if (!linked)
        {
            throw new StorageException($"Block {height} does not link to the last committed block {_lastHash.ToShortString()}.");
        }

        return header.Hash();
    }

    private Hash32[] CheckContents(
        Block block, CommitCertificate certificate, IReadOnlyList<Receipt> receipts, PreparedState state, ulong height, Hash32 hash)
    {
        if (certificate.Height != height || !hash.Equals(certificate.BlockHash.Span))
        {
            throw new StorageException($"The certificate is not for block {height} ({hash.ToShortString()}).");
        }

        if (receipts.Count != block.Transactions.Count)
        {
            throw new StorageException($"Block {height} has {block.Transactions.Count} transactions but {receipts.Count} receipts.");
        }

        var ids = new Hash32[block.Transactions.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = block.Transactions[i].Id();
        }

        // The ids just computed give the tx root too: each transaction is hashed once per append.
        var problem = CheckBodyAgainstHeader(block, ids);
        if (problem is not null)
        {
            throw new StorageException($"Block {height} is inconsistent: {problem}.");
        }

        var seen = new HashSet<Hash32>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            var receipt = receipts[i] ?? throw new StorageException($"Receipt {i} of block {height} is null.");
            if (!ids[i].Equals(receipt.TxId.Span) || receipt.Height != height || receipt.Index != (uint)i)
            {
                throw new StorageException($"Receipt {i} of block {height} is not the receipt of transaction {i}.");
            }

            if (!seen.Add(ids[i]) || _kv.Get(Column.TxIndex, ids[i].ToArray()) is not null)
            {
                throw new StorageException($"Transaction {ids[i].ToShortString()} of block {height} is already committed.");
            }
        }

        if (state.Height != height || !state.Root.Equals(block.Header.StateRoot.Span))
        {
            throw new StorageException(
                $"The prepared state (height {state.Height}, root {state.Root.ToShortString()}) is not the state of block {height}.");
        }

        return ids;
    }

    /// <summary>
    /// <see cref="BlockHashing.CheckBodyAgainstHeader"/> with the transaction ids already at
    /// hand: tx count, tx root, evidence hash and the carried parent certificate.
    /// </summary>
    private static string? CheckBodyAgainstHeader(Block block, Hash32[] ids)
    {
        var header = block.Header;
        if (header.TxCount != (uint)ids.Length)
        {
            return $"header says {header.TxCount} transactions, body has {ids.Length}";
        }

        if (!MerkleTree.RootOfHashes(ids).Equals(header.TxRoot.Span))
        {
            return "transactions do not match the header's tx root";
        }

        if (!BlockHashing.EvidenceRoot(block.Evidence).Equals(header.EvidenceHash.Span))
        {
            return "evidence does not match the header's evidence hash";
        }

        if (header.Height > 1)
        {
            return block.LastCommit is null || !block.LastCommit.Hash().Equals(header.LastCommitHash.Span)
                ? "parent certificate does not match the header's last-commit hash"
                : null;
        }

        return block.LastCommit is not null || !header.LastCommitHash.IsEmpty ? "the first block carries no parent certificate" : null;
    }
}
