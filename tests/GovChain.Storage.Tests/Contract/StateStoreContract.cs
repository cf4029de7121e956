using System.Text;
using GovChain.Core.Hashing;
using GovChain.Core.State;
using GovChain.Storage.CrashChild;

namespace GovChain.Storage.Tests.Contract;

/// <summary>The state store's and WAL's contract, run against every engine.</summary>
public abstract class StateStoreContract<TFactory> : IDisposable
    where TFactory : IStoreFactory, new()
{
    private readonly TFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static StateChanges Set(params (string Key, string? Value)[] writes)
    {
        var changes = new StateChanges();
        foreach (var (key, value) in writes)
        {
            if (value is null)
            {
                changes.Delete(B(key));
            }
            else
            {
                changes.Set(B(key), B(value));
            }
        }

        return changes;
    }

    private static Hash32 ScratchRoot(NodeDatabase db, ulong height) =>
        StateTreeHashing.RootOf(db.State.Enumerate(height).Select(kv => (StateTreeHashing.KeyHash(kv.Key), StateTreeHashing.ValueHash(kv.Value))));

    [Fact]
    public void Prepare_ChangesNothingUntilTheBlockIsAppended()
    {
        using var db = _factory.Open();
        var prepared = db.State.Prepare(1, Set(("parcel/1", "alice")));

        Assert.Equal(StateTreeHashing.EmptyRoot, db.State.Root);
        Assert.Null(db.State.Latest().Get(B("parcel/1")));
        Assert.NotEqual(StateTreeHashing.EmptyRoot, prepared.Root);

        var (block, cert, receipts) = ChainWriter.Build(db, 1, [], prepared.Root);
        db.Blocks.Append(block, cert, receipts, prepared);
        Assert.Equal(prepared.Root, db.State.Root);
        Assert.Equal(B("alice"), db.State.Latest().Get(B("parcel/1")));
    }

    [Fact]
    public void At_EarlierHeights_SeeTheirOwnValues()
    {
        using var db = _factory.Open();
        ChainWriter.AppendNext(db, 0, Set(("parcel/1", "alice"), ("parcel/2", "bob")));
        ChainWriter.AppendNext(db, 0, Set(("parcel/1", "carol"), ("parcel/2", null)));
        ChainWriter.AppendNext(db, 0, Set(("parcel/3", "dave")));

        Assert.Equal(B("alice"), db.State.At(1).Get(B("parcel/1")));
        Assert.Equal(B("bob"), db.State.At(1).Get(B("parcel/2")));
        Assert.Null(db.State.At(1).Get(B("parcel/3")));
        Assert.Equal(B("carol"), db.State.At(2).Get(B("parcel/1")));
        Assert.Null(db.State.At(2).Get(B("parcel/2")));
        Assert.Equal(B("dave"), db.State.At(3).Get(B("parcel/3")));
        Assert.Null(db.State.At(0).Get(B("parcel/1")));
        Assert.Throws<StorageException>(() => db.State.At(4));
    }

    [Fact]
    public void Root_AfterManyIncrementalBlocks_EqualsRootComputedFromScratch()
    {
        using var db = _factory.Open();
        for (var h = 1ul; h <= 25; h++)
        {
            ChainWriter.AppendNext(db, 0, ChainWriter.Changes(h, count: 40, keySpace: 120));
            Assert.Equal(ScratchRoot(db, h), db.State.Root);
            Assert.Equal(db.Blocks.GetHeader(h)!.StateRoot.ToByteArray(), db.State.GetRoot(h).ToArray());
        }

        Assert.Equal(ScratchRoot(db, 10), db.State.GetRoot(10));
    }

    [Fact]
    public void Prepare_WritesOfUnchangedValuesAndDeletesOfAbsentKeys_LeaveTheRoot()
    {
        using var db = _factory.Open();
        ChainWriter.AppendNext(db, 0, Set(("a", "1"), ("b", "2")));
        var root = db.State.Root;

        var prepared = db.State.Prepare(2, Set(("a", "1"), ("zzz", null)));
        Assert.Equal(root, prepared.Root);
        Assert.Equal(0, prepared.ChangeCount);
    }

    [Fact]
    public void DeletingEveryKey_ReturnsToTheEmptyRoot()
    {
        using var db = _factory.Open();
        ChainWriter.AppendNext(db, 0, Set(("a", "1"), ("b", "2"), ("c", "3")));
        ChainWriter.AppendNext(db, 0, Set(("a", null), ("b", null), ("c", null)));

        Assert.Equal(StateTreeHashing.EmptyRoot, db.State.Root);
        Assert.Empty(db.State.Enumerate(2));
    }

    [Fact]
    public void Prove_MembershipAndAbsenceAtSeveralHeights_VerifyAgainstTheHeaderRoot()
    {
        using var db = _factory.Open();
        for (var h = 1ul; h <= 6; h++)
        {
            ChainWriter.AppendNext(db, 1, ChainWriter.Changes(h, count: 30, keySpace: 60));
        }

        for (var h = 1ul; h <= 6; h++)
        {
            var root = new Hash32(db.Blocks.GetHeader(h)!.StateRoot.Span);
            for (var k = 0; k < 60; k++)
            {
                var key = B($"key/{k}");
                var proof = db.State.Prove(key, h);
                var check = StateProofVerifier.Verify(proof, key, root);
                Assert.True(check.IsValid, check.Reason);
                Assert.Equal(db.State.At(h).Get(key), check.Value);
                Assert.Equal(check.Value is not null, check.Exists);
            }
        }
    }

    [Fact]
    public void Pruning_KeepsRecentHeightsReadableAndRefusesOlderOnes()
    {
        using var db = _factory.Open(new StorageOptions { KeepRecentHeights = 3 });
        for (var h = 1ul; h <= 12; h++)
        {
            ChainWriter.AppendNext(db, 0, ChainWriter.Changes(h, count: 20, keySpace: 30));
        }

        Assert.Equal(10ul, db.State.OldestHeight);
        Assert.Throws<StorageException>(() => db.State.At(9));
        Assert.Throws<StorageException>(() => db.State.Prove(B("key/1"), 9));
        for (var h = 10ul; h <= 12; h++)
        {
            Assert.Equal(ScratchRoot(db, h), db.State.GetRoot(h));
            for (var k = 0; k < 30; k++)
            {
                var proof = db.State.Prove(B($"key/{k}"), h);
                Assert.True(StateProofVerifier.Verify(proof, db.State.GetRoot(h)).IsValid);
            }
        }
    }

    [Fact]
    public void Genesis_IsCommittedOnceAndTheFirstBlockBuildsOnIt()
    {
        using var db = _factory.Open();
        var genesis = db.State.Prepare(0, Set(("system/department/land", "Land Registry")));
        db.State.CommitGenesis(genesis);

        Assert.Equal(genesis.Root, db.State.GetRoot(0));
        Assert.True(db.State.HasGenesis);
        Assert.Throws<StorageException>(() => db.State.CommitGenesis(db.State.Prepare(0, Set(("x", "y")))));
        ChainWriter.AppendNext(db, 0, Set(("parcel/1", "alice")));

        Assert.Equal(B("Land Registry"), db.State.Latest().Get(B("system/department/land")));
        Assert.Equal(ScratchRoot(db, 1), db.State.Root);
    }

    [Fact]
    public void Genesis_PreparedAgainBeforeTheFirstBlock_GivesTheWrittenRootAndWritesNothing()
    {
        using var db = _factory.Open();
        Assert.False(db.State.HasGenesis);
        var changes = Set(("system/department/land", "Land Registry"), ("system/department/tax", "Tax Office"));
        db.State.CommitGenesis(db.State.Prepare(0, changes));
        var written = db.State.Root;

        // What a node restarted before block 1 does: prepare its genesis again and compare.
        var again = db.State.Prepare(0, changes);
        var other = db.State.Prepare(0, Set(("system/department/land", "Someone else")));

        Assert.Equal(written, again.Root);
        Assert.NotEqual(written, other.Root);
        Assert.Equal(written, db.State.Root);
        Assert.Throws<StorageException>(() => db.State.CommitGenesis(again));
        ChainWriter.AppendNext(db, 0, Set(("parcel/1", "alice")));
        Assert.Throws<StorageException>(() => db.State.Prepare(0, changes));
    }

    [Fact]
    public void Prepare_OversizedKeyOrWrongHeight_IsRejected()
    {
        using var db = _factory.Open();
        var big = new StateChanges();
        big.Set(new byte[StateTreeHashing.MaxKeyBytes + 1], [1]);

        Assert.Throws<StorageException>(() => db.State.Prepare(1, big));
        Assert.Throws<StorageException>(() => db.State.Prepare(2, Set(("a", "b"))));
    }

    [Fact]
    public void Wal_AppendReadTruncate_KeepsOrderAndDropsOnlyOldHeights()
    {
        using var db = _factory.Open();
        db.ConsensusWal.Append(5, "vote 5a"u8);
        db.ConsensusWal.Append(6, "vote 6"u8);
        db.ConsensusWal.Append(5, "vote 5b"u8);
        db.ConsensusWal.Append(7, ReadOnlySpan<byte>.Empty);

        var all = db.ConsensusWal.ReadAll();
        Assert.Equal(["vote 5a", "vote 5b", "vote 6", ""], all.Select(r => Encoding.UTF8.GetString(r.Payload.Span)));
        Assert.Equal([5ul, 5ul, 6ul, 7ul], all.Select(r => r.Height));

        db.ConsensusWal.TruncateBelow(6);
        Assert.Equal(2, db.ConsensusWal.Count);
        Assert.Equal([6ul, 7ul], db.ConsensusWal.ReadAll().Select(r => r.Height));
        Assert.Throws<StorageException>(() => db.ConsensusWal.Append(8, new byte[Storage.Wal.IConsensusWal.MaxRecordBytes + 1]));
    }
}

public sealed class MemoryStateStoreContract : StateStoreContract<MemoryStoreFactory>;

public sealed class RocksStateStoreContract : StateStoreContract<RocksStoreFactory>;
