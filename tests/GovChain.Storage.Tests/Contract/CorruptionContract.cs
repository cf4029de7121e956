using GovChain.Core.Transactions;
using GovChain.Storage.CrashChild;
using GovChain.Storage.Engine;

namespace GovChain.Storage.Tests.Contract;

/// <summary>Damaged records are reported as corruption and never served, on every engine.</summary>
public abstract class CorruptionContract<TFactory> : IDisposable
    where TFactory : IStoreFactory, new()
{
    private readonly TFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    /// <summary>Flips one byte of the stored value at (column, key), as a bad disk sector would.</summary>
    private static void Flip(NodeDatabase db, Column column, byte[] key, int offsetFromEnd)
    {
        var value = db.Engine.Get(column, key)!;
        value[value.Length - 1 - (offsetFromEnd % value.Length)] ^= 0x20;
        using var batch = db.Engine.CreateBatch();
        batch.Put(column, key, value);
        db.Engine.Write(batch, sync: false);
    }

    private NodeDatabase WithBlocks()
    {
        var db = _factory.Open();
        for (var h = 1ul; h <= 3; h++)
        {
            ChainWriter.AppendNext(db, 3, ChainWriter.Changes(h, 10, 20));
        }

        return db;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(40)]
    [InlineData(150)]
    public void GetBlock_FlippedByteInBlockRecord_ThrowsCorruption(int offset)
    {
        using var db = WithBlocks();
        Flip(db, Column.Blocks, StorageKeys.Height(2), offset);

        Assert.Throws<StorageCorruptionException>(() => db.Blocks.GetBlock(2));
        Assert.NotNull(db.Blocks.GetBlock(1));
    }

    [Fact]
    public void GetBlockAndTransaction_FlippedByteInTransaction_ThrowCorruption()
    {
        using var db = WithBlocks();
        var tx = db.Blocks.GetBlock(2)!.Block.Transactions[1];
        Flip(db, Column.Transactions, StorageKeys.HeightIndex(2, 1), 3);

        Assert.Throws<StorageCorruptionException>(() => db.Blocks.GetBlock(2));
        Assert.Throws<StorageCorruptionException>(() => db.Blocks.GetTransaction(tx.Id()));
    }

    [Fact]
    public void GetReceipts_FlippedByteInReceipt_ThrowsCorruption()
    {
        using var db = WithBlocks();
        Flip(db, Column.Receipts, StorageKeys.HeightIndex(3, 2), 2);

        Assert.Throws<StorageCorruptionException>(() => db.Blocks.GetReceipts(3));
    }

    [Fact]
    public void Prove_FlippedByteInStateNode_ThrowsCorruption()
    {
        using var db = WithBlocks();
        var nodeKeys = new List<byte[]>();
        using (var cursor = db.Engine.OpenCursor(Column.StateNodes))
        {
            for (cursor.SeekToFirst(); cursor.Valid; cursor.Next())
            {
                nodeKeys.Add(cursor.Key.ToArray());
            }
        }

        foreach (var key in nodeKeys)
        {
            Flip(db, Column.StateNodes, key, 7);
        }

        // A node cached before the damage was checked when it was cached; a restarted node reads the disk.
        var restarted = NodeDatabase.OpenOn(db.Engine, ChainWriter.ChainId, ChainWriter.GenesisHash, new StorageOptions());
        Assert.Throws<StorageCorruptionException>(() => restarted.State.Prove("key/3"u8, 3));
        Assert.Throws<StorageCorruptionException>(() => restarted.State.Prepare(4, ChainWriter.Changes(4, 10, 20)));
    }
}

public sealed class MemoryCorruptionContract : CorruptionContract<MemoryStoreFactory>;

public sealed class RocksCorruptionContract : CorruptionContract<RocksStoreFactory>;
