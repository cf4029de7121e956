using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Core.State;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using GovChain.Storage.CrashChild;

namespace GovChain.Storage.Tests.Contract;

/// <summary>The block store's contract, run against every engine.</summary>
public abstract class BlockStoreContract<TFactory> : IDisposable
    where TFactory : IStoreFactory, new()
{
    private readonly TFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    protected NodeDatabase Open(StorageOptions? options = null) => _factory.Open(options);

    private static StateChanges SomeChanges(ulong height) => ChainWriter.Changes(height, count: 10, keySpace: 50);

    [Fact]
    public void Append_Blocks_AreReadableByHeightAndHash()
    {
        using var db = Open();
        var appended = Enumerable.Range(0, 5).Select(_ => ChainWriter.AppendNext(db, 4, SomeChanges(db.Blocks.LastHeight + 1))).ToList();

        Assert.Equal(5ul, db.Blocks.LastHeight);
        Assert.Equal(appended[^1].Hash, db.Blocks.LastBlockHash);
        foreach (var expected in appended)
        {
            var byHeight = db.Blocks.GetBlock(expected.Height)!;
            Assert.Equal(expected.Block, byHeight.Block);
            Assert.Equal(expected.Certificate, byHeight.Certificate);
            Assert.Equal(expected.Hash, byHeight.Hash);
            Assert.Equal(expected.Block, db.Blocks.GetBlock(expected.Hash)!.Block);
            Assert.Equal(expected.Block.Header, db.Blocks.GetHeader(expected.Height));
            Assert.Equal(expected.Height, db.Blocks.GetHeight(expected.Hash));
            Assert.Equal(expected.Certificate, db.Blocks.GetCertificate(expected.Height));
        }

        Assert.Null(db.Blocks.GetBlock(6));
        Assert.Null(db.Blocks.GetBlock(Hashes.Tagged(HashDomain.BlockHeader, "nope"u8)));
    }

    [Fact]
    public void GetEvidence_BlockWithEvidence_ReturnsItWithoutTheTransactions_AndNullBeyondTheChain()
    {
        using var db = Open();
        ChainWriter.AppendNext(db, 2, SomeChanges(1));
        var changes = SomeChanges(2);
        var prepared = db.State.Prepare(2, changes);
        var (block, certificate, receipts) = ChainWriter.Build(db, 2, [ChainWriter.Transaction(2, 0)], prepared.Root);
        var vote = new Vote { Type = VoteType.Prevote, Height = 1, Validator = ByteString.CopyFrom(new byte[32]) };
        var evidence = new Evidence { DuplicateVote = new DuplicateVoteEvidence { VoteA = vote, VoteB = vote.Clone() } };
        evidence.DuplicateVote.VoteB.BlockHash = ByteString.CopyFrom(new byte[32]);
        block.Evidence.Add(evidence);
        block.Header.EvidenceHash = ByteString.CopyFrom(BlockHashing.EvidenceRoot(block.Evidence).ToArray());
        certificate.BlockHash = ByteString.CopyFrom(block.Header.Hash().ToArray());
        db.Blocks.Append(block, certificate, receipts, prepared);

        Assert.Empty(db.Blocks.GetEvidence(1)!);
        Assert.Equal(evidence, Assert.Single(db.Blocks.GetEvidence(2)!));
        Assert.Null(db.Blocks.GetEvidence(3));
    }

    [Fact]
    public void GetTransaction_Committed_ReturnsHeightIndexAndReceipt()
    {
        using var db = Open();
        ChainWriter.AppendNext(db, 3, SomeChanges(1));
        var second = ChainWriter.AppendNext(db, 5, SomeChanges(2));

        var tx = second.Block.Transactions[4];
        var stored = db.Blocks.GetTransaction(tx.Id())!;
        Assert.Equal(tx, stored.Transaction);
        Assert.Equal(2ul, stored.Height);
        Assert.Equal(4u, stored.Index);
        Assert.Equal(tx.Id().ToArray(), stored.Receipt.TxId.ToByteArray());
        Assert.Equal(db.Blocks.GetReceipts(2)![4], stored.Receipt);
        Assert.Equal(5, db.Blocks.GetReceipts(2)!.Count);
        Assert.Null(db.Blocks.GetTransaction(ChainWriter.Transaction(99, 0).Id()));
    }

    [Fact]
    public void ReadRange_ReturnsExistingBlocksInOrder()
    {
        using var db = Open();
        for (var i = 0; i < 6; i++)
        {
            ChainWriter.AppendNext(db, 1, SomeChanges(db.Blocks.LastHeight + 1));
        }

        Assert.Equal([2ul, 3ul, 4ul], db.Blocks.ReadRange(2, 4).Select(b => b.Height));
        Assert.Equal([5ul, 6ul], db.Blocks.ReadRange(5, 100).Select(b => b.Height));
        Assert.Empty(db.Blocks.ReadRange(7, 9));
        Assert.Equal(1ul, db.Blocks.ReadRange(0, 1).Single().Height);
    }

    [Fact]
    public void Append_WrongHeight_IsRejectedAndChangesNothing()
    {
        using var db = Open();
        ChainWriter.AppendNext(db, 1, SomeChanges(1));
        var prepared = db.State.Prepare(2, SomeChanges(2));
        var (block, cert, receipts) = ChainWriter.Build(db, 2, [ChainWriter.Transaction(2, 0)], prepared.Root);
        block.Header.Height = 3;

        Assert.Throws<StorageException>(() => db.Blocks.Append(block, cert, receipts, prepared));
        AssertUnchangedAfterOne(db);
    }

    [Fact]
    public void Append_BrokenPreviousHashLink_IsRejected()
    {
        using var db = Open();
        ChainWriter.AppendNext(db, 1, SomeChanges(1));
        var prepared = db.State.Prepare(2, SomeChanges(2));
        var (block, cert, receipts) = ChainWriter.Build(db, 2, [ChainWriter.Transaction(2, 0)], prepared.Root);
        block.Header.PreviousHash = ByteString.CopyFrom(new byte[32]);
        cert.BlockHash = ByteString.CopyFrom(block.Header.Hash().ToArray());

        var ex = Assert.Throws<StorageException>(() => db.Blocks.Append(block, cert, receipts, prepared));
        Assert.Contains("link", ex.Message, StringComparison.Ordinal);
        AssertUnchangedAfterOne(db);
    }

    [Fact]
    public void Append_OtherChainOrBadCertificateOrReceipts_IsRejected()
    {
        using var db = Open();
        ChainWriter.AppendNext(db, 1, SomeChanges(1));
        var prepared = db.State.Prepare(2, SomeChanges(2));

        var (otherChain, c1, r1) = ChainWriter.Build(db, 2, [ChainWriter.Transaction(2, 0)], prepared.Root);
        otherChain.Header.ChainId = "another-chain";
        c1.BlockHash = ByteString.CopyFrom(otherChain.Header.Hash().ToArray());
        Assert.Throws<StorageException>(() => db.Blocks.Append(otherChain, c1, r1, prepared));

        var (block, cert, receipts) = ChainWriter.Build(db, 2, [ChainWriter.Transaction(2, 0), ChainWriter.Transaction(2, 1)], prepared.Root);
        var wrongCert = cert.Clone();
        wrongCert.BlockHash = ByteString.CopyFrom(new byte[32]);
        Assert.Throws<StorageException>(() => db.Blocks.Append(block, wrongCert, receipts, prepared));
        Assert.Throws<StorageException>(() => db.Blocks.Append(block, cert, receipts.Take(1).ToList(), prepared));
        var swapped = new List<Receipt> { receipts[1], receipts[0] };
        Assert.Throws<StorageException>(() => db.Blocks.Append(block, cert, swapped, prepared));
        var tampered = receipts.Select(r => r.Clone()).ToList();
        tampered[0].Code = 99;
        Assert.Throws<StorageException>(() => db.Blocks.Append(block, cert, tampered, prepared));

        AssertUnchangedAfterOne(db);
        db.Blocks.Append(block, cert, receipts, prepared);
        Assert.Equal(2ul, db.Blocks.LastHeight);
    }

    [Fact]
    public void Append_HeaderStateRootNotThePreparedRoot_IsRejected()
    {
        using var db = Open();
        ChainWriter.AppendNext(db, 1, SomeChanges(1));
        var prepared = db.State.Prepare(2, SomeChanges(2));
        var (block, cert, receipts) = ChainWriter.Build(db, 2, [ChainWriter.Transaction(2, 0)], Hashes.Tagged(HashDomain.StateNode, "x"u8));

        var ex = Assert.Throws<StorageException>(() => db.Blocks.Append(block, cert, receipts, prepared));
        Assert.Contains("prepared state", ex.Message, StringComparison.Ordinal);
        AssertUnchangedAfterOne(db);
    }

    [Fact]
    public void Append_TransactionAlreadyCommitted_IsRejected()
    {
        using var db = Open();
        var first = ChainWriter.AppendNext(db, 2, SomeChanges(1));
        var prepared = db.State.Prepare(2, SomeChanges(2));
        var (block, cert, receipts) = ChainWriter.Build(db, 2, [first.Block.Transactions[1]], prepared.Root);

        var ex = Assert.Throws<StorageException>(() => db.Blocks.Append(block, cert, receipts, prepared));
        Assert.Contains("already committed", ex.Message, StringComparison.Ordinal);
        AssertUnchangedAfterOne(db);
    }

    [Fact]
    public void Append_PreparedBeforeAnotherCommit_IsRejectedAsStale()
    {
        using var db = Open();
        var changes = SomeChanges(1);
        var a = db.State.Prepare(1, changes);
        var b = db.State.Prepare(1, ChainWriter.Changes(77, 5, 10));
        var (block, cert, receipts) = ChainWriter.Build(db, 1, [ChainWriter.Transaction(1, 0)], a.Root);
        db.Blocks.Append(block, cert, receipts, a);

        var next = ChainWriter.Build(db, 2, [ChainWriter.Transaction(2, 0)], b.Root);
        Assert.Throws<StorageException>(() => db.Blocks.Append(next.Block, next.Certificate, next.Receipts, b));
        Assert.Equal(1ul, db.Blocks.LastHeight);
    }

    [Fact]
    public void Append_PreparedByAnotherDatabase_IsRejected()
    {
        using var db = Open();
        using var other = NodeDatabase.OpenInMemory(ChainWriter.ChainId, ChainWriter.GenesisHash);
        var foreign = other.State.Prepare(1, SomeChanges(1));
        var (block, cert, receipts) = ChainWriter.Build(db, 1, [ChainWriter.Transaction(1, 0)], foreign.Root);

        Assert.Throws<StorageException>(() => db.Blocks.Append(block, cert, receipts, foreign));
        Assert.Equal(0ul, db.Blocks.LastHeight);
    }

    private static void AssertUnchangedAfterOne(NodeDatabase db)
    {
        Assert.Equal(1ul, db.Blocks.LastHeight);
        Assert.Equal(1ul, db.State.Height);
        Assert.Null(db.Blocks.GetBlock(2));
        Assert.Null(db.Blocks.GetTransaction(ChainWriter.Transaction(2, 0).Id()));
        Assert.Equal(db.Blocks.GetHeader(1)!.StateRoot.ToByteArray(), db.State.Root.ToArray());
    }
}

public sealed class MemoryBlockStoreContract : BlockStoreContract<MemoryStoreFactory>;

public sealed class RocksBlockStoreContract : BlockStoreContract<RocksStoreFactory>;
