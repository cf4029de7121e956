using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;

namespace GovChain.Core.Tests.Blocks;

public class BlockHashingTests
{
    private static Block BuildBlock(int txCount, ulong height = 1)
    {
        using var key = TestKeys.Key(0);
        var txs = Enumerable.Range(1, txCount)
            .Select(n => TransactionCodec.Create(TestKeys.ChainId, key, (ulong)n, "land", "register", null))
            .ToList();
        var block = new Block
        {
            Header = new BlockHeader
            {
                ChainId = TestKeys.ChainId,
                Height = height,
                TimeUnixMs = 1_700_000_000_000,
                TxRoot = ByteString.CopyFrom(BlockHashing.TxRoot(txs).ToArray()),
                EvidenceHash = ByteString.CopyFrom(BlockHashing.EvidenceRoot([]).ToArray()),
                TxCount = (uint)txCount,
            },
        };
        block.Transactions.AddRange(txs);
        return block;
    }

    [Fact]
    public void CheckBodyAgainstHeader_ConsistentBlock_Passes()
    {
        Assert.Null(BlockHashing.CheckBodyAgainstHeader(BuildBlock(5)));
        Assert.Null(BlockHashing.CheckBodyAgainstHeader(BuildBlock(0)));
    }

    [Fact]
    public void CheckBodyAgainstHeader_DroppedReorderedOrForeignTransaction_IsCaught()
    {
        var dropped = BuildBlock(4);
        dropped.Transactions.RemoveAt(2);
        dropped.Header.TxCount = 3;
        Assert.Contains("tx root", BlockHashing.CheckBodyAgainstHeader(dropped), StringComparison.Ordinal);

        var reordered = BuildBlock(4);
        (reordered.Transactions[0], reordered.Transactions[1]) = (reordered.Transactions[1], reordered.Transactions[0]);
        Assert.NotNull(BlockHashing.CheckBodyAgainstHeader(reordered));

        var miscounted = BuildBlock(4);
        miscounted.Header.TxCount = 5;
        Assert.NotNull(BlockHashing.CheckBodyAgainstHeader(miscounted));
    }

    [Fact]
    public void CheckBodyAgainstHeader_LaterBlockWithoutParentCertificate_IsCaught()
    {
        var block = BuildBlock(1, height: 2);
        Assert.Contains("parent certificate", BlockHashing.CheckBodyAgainstHeader(block), StringComparison.Ordinal);

        block.LastCommit = new CommitCertificate { Height = 1 };
        block.Header.LastCommitHash = ByteString.CopyFrom(block.LastCommit.Hash().ToArray());
        Assert.Null(BlockHashing.CheckBodyAgainstHeader(block));
    }

    [Fact]
    public void HeaderHash_CoversEveryField()
    {
        var header = BuildBlock(1).Header;
        var original = header.Hash();
        var mutations = new Action<BlockHeader>[]
        {
            h => h.Height++, h => h.TimeUnixMs++, h => h.ChainId += "x", h => h.PreviousHash = ByteString.CopyFrom(1),
            h => h.StateRoot = ByteString.CopyFrom(2), h => h.ValidatorSetHash = ByteString.CopyFrom(3),
            h => h.NextValidatorSetHash = ByteString.CopyFrom(4), h => h.Proposer = ByteString.CopyFrom(5),
            h => h.ReceiptsRoot = ByteString.CopyFrom(6), h => h.TxCount++,
        };

        foreach (var mutate in mutations)
        {
            var copy = header.Clone();
            mutate(copy);
            Assert.NotEqual(original, copy.Hash());
        }
    }

    [Fact]
    public void HashesOfDifferentKinds_OverSameBytes_Differ()
    {
        byte[] data = [1, 2, 3];
        var domains = Enum.GetValues<HashDomain>();

        var hashes = domains.Select(d => Hashes.Tagged(d, data)).ToHashSet();

        Assert.Equal(domains.Length, hashes.Count);
    }

    [Fact]
    public void Property_BlockEncodeDecode_RoundTripsWithSameHashAndTxRoot()
    {
        Prop.ForAll(Arb.From(Gen.Choose(0, 20)), Arb.From(Gen.Choose(1, 10_000)), (txCount, height) =>
        {
            var block = BuildBlock(txCount, (ulong)height);
            var decoded = Block.Parser.ParseFrom(block.ToByteArray());
            return decoded.Equals(block)
                && decoded.Header.Hash() == block.Header.Hash()
                && BlockHashing.TxRoot(decoded.Transactions) == BlockHashing.TxRoot(block.Transactions);
        }).QuickCheckThrowOnFailure();
    }
}
