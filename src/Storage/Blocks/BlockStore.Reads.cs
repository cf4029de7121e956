using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using GovChain.Storage.Engine;

namespace GovChain.Storage.Blocks;

/// <summary>Reads, each checked against the hashes that commit to what it returns.</summary>
internal sealed partial class BlockStore
{
    public BlockHeader? GetHeader(ulong height) => LoadSkeleton(height, withCertificate: false)?.Block.Header;

    public Hash32? GetBlockHash(ulong height) => LoadSkeleton(height, withCertificate: false)?.Hash;

    public ulong? GetHeight(Hash32 blockHash)
    {
        var value = _kv.Get(Column.BlockHashes, blockHash.ToArray());
        if (value is null)
        {
            return null;
        }

        return value.Length == StorageKeys.HeightSize
            ? StorageKeys.ReadHeight(value)
            : throw new StorageCorruptionException($"The height index entry of block {blockHash.ToShortString()} is malformed.");
    }

    public StoredBlock? GetBlock(Hash32 blockHash)
    {
        var height = GetHeight(blockHash);
        if (height is null)
        {
            return null;
        }

        var block = GetBlock(height.Value) ?? throw new StorageCorruptionException($"Block {height} named by the hash index is missing.");
        return block.Hash == blockHash
            ? block
            : throw new StorageCorruptionException($"The hash index sends {blockHash.ToShortString()} to block {height}, which has another hash.");
    }

    public IReadOnlyList<Evidence>? GetEvidence(ulong height)
    {
        var block = LoadSkeleton(height, withCertificate: false)?.Block;
        if (block is null)
        {
            return null;
        }

        return BlockHashing.EvidenceRoot(block.Evidence).Equals(block.Header.EvidenceHash.Span)
            ? block.Evidence
            : throw new StorageCorruptionException($"The stored evidence of block {height} does not match its evidence hash.");
    }

    public CommitCertificate? GetCertificate(ulong height) => LoadSkeleton(height, withCertificate: true)?.Certificate;

    public StoredBlock? GetBlock(ulong height)
    {
        var stored = LoadSkeleton(height, withCertificate: true);
        if (stored is null)
        {
            return null;
        }

        var block = stored.Block;
        var count = block.Header.TxCount;
        using (var cursor = _kv.OpenCursor(Column.Transactions))
        {
            cursor.Seek(StorageKeys.HeightIndex(height, 0));
            for (uint i = 0; i < count; i++, cursor.Next())
            {
                ExpectAt(cursor, height, i, "transaction");
                block.Transactions.Add(Parse(SignedTransaction.Parser, Checksummed.Unwrap(cursor.Value, "transaction"), height, "transaction"));
            }
        }

        var problem = BlockHashing.CheckBodyAgainstHeader(block);
        return problem is null ? stored : throw new StorageCorruptionException($"Stored block {height} is damaged: {problem}.");
    }

    public IReadOnlyList<Receipt>? GetReceipts(ulong height)
    {
        var stored = LoadSkeleton(height, withCertificate: false);
        if (stored is null)
        {
            return null;
        }

        var header = stored.Block.Header;
        var receipts = new List<Receipt>((int)Math.Min(header.TxCount, 1u << 16));
        using (var cursor = _kv.OpenCursor(Column.Receipts))
        {
            cursor.Seek(StorageKeys.HeightIndex(height, 0));
            for (uint i = 0; i < header.TxCount; i++, cursor.Next())
            {
                ExpectAt(cursor, height, i, "receipt");
                receipts.Add(Parse(Receipt.Parser, Checksummed.Unwrap(cursor.Value, "receipt"), height, "receipt"));
            }
        }

        var root = MerkleTree.RootOfHashes(receipts.Select(r => r.Hash()).ToArray());
        return root.Equals(header.ReceiptsRoot.Span)
            ? receipts
            : throw new StorageCorruptionException($"The stored receipts of block {height} do not match its receipts root.");
    }

    public StoredTransaction? GetTransaction(Hash32 txId)
    {
        var position = _kv.Get(Column.TxIndex, txId.ToArray());
        if (position is null)
        {
            return null;
        }

        if (position.Length != StorageKeys.HeightIndexSize)
        {
            throw new StorageCorruptionException($"The index entry of transaction {txId.ToShortString()} is malformed.");
        }

        var (height, index) = StorageKeys.ReadHeightIndex(position);
        var txBytes = _kv.Get(Column.Transactions, position)
            ?? throw new StorageCorruptionException($"Transaction {txId.ToShortString()} is indexed but missing.");
        var tx = Parse(SignedTransaction.Parser, Checksummed.Unwrap(txBytes, "transaction"), height, "transaction");
        if (tx.Id() != txId)
        {
            throw new StorageCorruptionException($"The stored transaction at {height}/{index} does not match its id {txId.ToShortString()}.");
        }

        var receiptBytes = _kv.Get(Column.Receipts, position)
            ?? throw new StorageCorruptionException($"The receipt of transaction {txId.ToShortString()} is missing.");
        var receipt = Parse(Receipt.Parser, Checksummed.Unwrap(receiptBytes, "receipt"), height, "receipt");
        if (!txId.Equals(receipt.TxId.Span) || receipt.Height != height || receipt.Index != index)
        {
            throw new StorageCorruptionException($"The stored receipt at {height}/{index} is not the receipt of {txId.ToShortString()}.");
        }

        return new StoredTransaction(tx, txId, height, index, receipt);
    }

    public IEnumerable<StoredBlock> ReadRange(ulong fromHeight, ulong toHeight)
    {
        var first = Math.Max(1, fromHeight);
        var last = Math.Min(toHeight, LastHeight);
        if (first > last)
        {
            return [];
        }

        last = Math.Min(last, first + IBlockStore.MaxRangeBlocks - 1);
        return ReadRangeCore(first, last);
    }

    private IEnumerable<StoredBlock> ReadRangeCore(ulong first, ulong last)
    {
        for (var height = first; height <= last; height++)
        {
            yield return GetBlock(height) ?? throw new StorageCorruptionException($"Committed block {height} is missing.");
        }
    }

    /// <summary>The block without its transactions, checked against the hash stored beside it.</summary>
    private StoredBlock? LoadSkeleton(ulong height, bool withCertificate)
    {
        var bytes = _kv.Get(Column.Blocks, StorageKeys.Height(height));
        if (bytes is null)
        {
            return null;
        }

        var record = BlockRecord.Decode(bytes, height);
        var block = Parse(Block.Parser, record.Skeleton, height, "block");
        if (block.Header is null || block.Header.Height != height || block.Header.Hash() != record.BlockHash)
        {
            throw new StorageCorruptionException($"Stored block {height} does not match its hash.");
        }

        CommitCertificate certificate = new();
        if (withCertificate)
        {
            certificate = Parse(CommitCertificate.Parser, record.Certificate, height, "certificate");
            if (certificate.Hash() != record.CertificateHash || certificate.Height != height || !record.BlockHash.Equals(certificate.BlockHash.Span))
            {
                throw new StorageCorruptionException($"The stored certificate of block {height} is damaged.");
            }
        }

        return new StoredBlock(block, certificate, record.BlockHash);
    }

    private static void ExpectAt(IKeyValueCursor cursor, ulong height, uint index, string what)
    {
        Span<byte> expected = stackalloc byte[StorageKeys.HeightIndexSize];
        StorageKeys.WriteHeightIndex(expected, height, index);
        if (!cursor.Valid || !cursor.Key.SequenceEqual(expected))
        {
            throw new StorageCorruptionException($"The {what} {index} of block {height} is missing.");
        }
    }

    private static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> bytes, ulong height, string what)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new StorageCorruptionException($"A stored {what} of block {height} cannot be parsed: {ex.Message}", ex);
        }
    }
}
