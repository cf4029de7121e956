using System.Text;
using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;
using GovChain.Core.State;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using GovChain.Storage;
using GovChain.Storage.Blocks;

namespace GovChain.Storage.CrashChild;

/// <summary>
/// Builds well-formed blocks for tests and benchmarks: deterministic transactions (storage does
/// not check signatures, so they carry a fixed one), matching receipts, a certificate and a
/// header whose roots are right — the state root taken from the prepared state.
/// </summary>
public static class ChainWriter
{
    public const string ChainId = "storage-test";

    public static readonly Hash32 GenesisHash = Hashes.Tagged(HashDomain.Genesis, "storage-test genesis"u8);

    public static SignedTransaction Transaction(ulong height, int index, int memoBytes = 100)
    {
        var body = new TransactionBody
        {
            ChainId = ChainId,
            Sender = ByteString.CopyFrom(new byte[32]),
            Nonce = (height * 100_000) + (ulong)index + 1,
            Contract = "land",
            Method = "transfer",
            Memo = new string('m', memoBytes),
        };
        return new SignedTransaction { Body = body.ToByteString(), Signature = ByteString.CopyFrom(new byte[64]) };
    }

    /// <summary>Deterministic changes of a height: sets and deletes over a key space of <paramref name="keySpace"/> keys.</summary>
    public static StateChanges Changes(ulong height, int count, int keySpace)
    {
        var random = new Random(unchecked((int)height * 7919));
        var changes = new StateChanges();
        for (var i = 0; i < count; i++)
        {
            var key = Encoding.UTF8.GetBytes($"key/{random.Next(keySpace)}");
            if (random.Next(5) == 0)
            {
                changes.Delete(key);
            }
            else
            {
                changes.Set(key, Encoding.UTF8.GetBytes($"value {height}/{i}/{random.Next()}"));
            }
        }

        return changes;
    }

    /// <summary>Prepares <paramref name="changes"/>, builds block last + 1 over them and appends it.</summary>
    public static StoredBlock AppendNext(NodeDatabase db, int txCount, StateChanges changes, int memoBytes = 100)
    {
        ArgumentNullException.ThrowIfNull(db);
        var height = db.Blocks.LastHeight + 1;
        var prepared = db.State.Prepare(height, changes);
        var txs = Enumerable.Range(0, txCount).Select(i => Transaction(height, i, memoBytes)).ToList();
        var (block, certificate, receipts) = Build(db, height, txs, prepared.Root);
        db.Blocks.Append(block, certificate, receipts, prepared);
        return new StoredBlock(block, certificate, block.Header.Hash());
    }

    public static (Block Block, CommitCertificate Certificate, List<Receipt> Receipts) Build(
        NodeDatabase db, ulong height, IReadOnlyList<SignedTransaction> txs, Hash32 stateRoot)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(txs);
        var receipts = txs.Select((tx, i) => new Receipt
        {
            TxId = ByteString.CopyFrom(tx.Id().ToArray()),
            Height = height,
            Index = (uint)i,
            Code = (uint)(i % 3 == 0 ? 0 : 7),
            Message = i % 3 == 0 ? string.Empty : "deterministic failure",
            StepsUsed = (ulong)(100 + i),
        }).ToList();
        var header = new BlockHeader
        {
            ChainId = db.ChainId,
            Height = height,
            TimeUnixMs = 1_700_000_000_000 + (long)height,
            PreviousHash = height == 1 ? ByteString.Empty : ByteString.CopyFrom(db.Blocks.LastBlockHash.ToArray()),
            TxRoot = Bytes(BlockHashing.TxRoot(txs)),
            StateRoot = Bytes(stateRoot),
            ValidatorSetHash = Bytes(Hash32.Zero),
            NextValidatorSetHash = Bytes(Hash32.Zero),
            Proposer = ByteString.CopyFrom(new byte[32]),
            ReceiptsRoot = Bytes(BlockHashing.ReceiptsRoot(receipts)),
            EvidenceHash = Bytes(MerkleTree.RootOfHashes([])),
            TxCount = (uint)txs.Count,
        };
        var block = new Block { Header = header };
        if (height > 1)
        {
            block.LastCommit = db.Blocks.GetCertificate(height - 1)
                ?? throw new InvalidOperationException($"No certificate for block {height - 1}.");
            header.LastCommitHash = Bytes(block.LastCommit.Hash());
        }

        block.Transactions.AddRange(txs);
        var certificate = new CommitCertificate { Height = height, Round = 0, BlockHash = Bytes(header.Hash()) };
        certificate.Signatures.Add(new CommitSignature { Validator = ByteString.CopyFrom(new byte[32]), Signature = ByteString.CopyFrom(new byte[64]) });
        return (block, certificate, receipts);
    }

    private static ByteString Bytes(Hash32 hash) => ByteString.CopyFrom(hash.ToArray());
}
