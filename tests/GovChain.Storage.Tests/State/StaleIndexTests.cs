using System.Text;
using GovChain.Core.State;
using GovChain.Storage.CrashChild;
using GovChain.Storage.Engine;

namespace GovChain.Storage.Tests.State;

/// <summary>The stale index is written only where pruning will read it.</summary>
public sealed class StaleIndexTests
{
    private static StateChanges Overwrite(ulong height)
    {
        var changes = new StateChanges();
        for (var k = 0; k < 20; k++)
        {
            changes.Set(Encoding.UTF8.GetBytes($"record/{k}"), Encoding.UTF8.GetBytes($"value {height}"));
        }

        return changes;
    }

    private static int StaleRecords(NodeDatabase db)
    {
        using var cursor = db.Engine.OpenCursor(Column.StateStale);
        var count = 0;
        for (cursor.SeekToFirst(); cursor.Valid; cursor.Next())
        {
            count++;
        }

        return count;
    }

    [Fact]
    public void Append_KeepingEveryHeight_WritesNoStaleIndexAndKeepsEveryHeightReadable()
    {
        using var db = NodeDatabase.OpenInMemory(ChainWriter.ChainId, ChainWriter.GenesisHash, new StorageOptions { KeepRecentHeights = 0 });
        for (var h = 1UL; h <= 6; h++)
        {
            ChainWriter.AppendNext(db, 2, Overwrite(h));
        }

        Assert.Equal(0, StaleRecords(db));
        Assert.Equal(0UL, db.State.OldestHeight);
        Assert.Equal(Encoding.UTF8.GetBytes("value 1"), db.State.At(1).Get(Encoding.UTF8.GetBytes("record/3")));
        Assert.True(db.State.Prove(Encoding.UTF8.GetBytes("record/3"), 1).Exists);
    }

    [Fact]
    public void Append_WithPruning_IndexesWhatEachBlockReplacesAndPrunesIt()
    {
        using var db = NodeDatabase.OpenInMemory(ChainWriter.ChainId, ChainWriter.GenesisHash, new StorageOptions { KeepRecentHeights = 16 });
        ChainWriter.AppendNext(db, 2, Overwrite(1));
        Assert.Equal(0, StaleRecords(db));

        ChainWriter.AppendNext(db, 2, Overwrite(2));
        var afterOneOverwrite = StaleRecords(db);

        // Twenty replaced values, plus the tree nodes above them.
        Assert.True(afterOneOverwrite > 20, $"{afterOneOverwrite} stale records after overwriting 20 keys");

        for (var h = 3UL; h <= 24; h++)
        {
            ChainWriter.AppendNext(db, 2, Overwrite(h));
        }

        Assert.Equal(24UL - 16 + 1, db.State.OldestHeight);
        Assert.True(StaleRecords(db) < afterOneOverwrite * 17, "pruning deletes the index records of heights no longer kept");
    }
}
