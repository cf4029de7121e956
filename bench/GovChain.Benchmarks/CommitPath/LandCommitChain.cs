using Google.Protobuf;
using GovChain.Benchmarks.Storage;
using GovChain.Contracts;
using GovChain.Contracts.Engine;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using GovChain.Storage;
using GovChain.Storage.State;

namespace GovChain.Benchmarks.CommitPath;

/// <summary>
/// A one-validator chain on a real RocksDB node database, carrying the load generator's land
/// workload: set-up registers one parcel per owner, then every block holds one transaction per
/// owner, alternately offer_transfer and cancel_transfer (a nonce chain per owner). All blocks
/// are signed and verified in advance, so a benchmark measures only the commit path:
/// execute → prepare the state → build the header → append in one write batch.
/// </summary>
public sealed class LandCommitChain : IDisposable
{
    public const string ChainId = "govchain-bench-commit";

    private readonly BenchDirectory _dir;
    private readonly KeyPair _validator;
    private readonly KeyPair _registrar;
    private readonly KeyPair[] _owners;
    private readonly GenesisDocument _genesis;
    private readonly VerifiedTransaction[][] _blocks;
    private int _next;

    public LandCommitChain(int owners, int measuredBlocks, bool syncWrites)
    {
        _dir = new BenchDirectory("commit");
        _validator = KeyPair.FromSeed(Seed(0, 0x11));
        _registrar = KeyPair.FromSeed(Seed(0, 0x22));
        _owners = Enumerable.Range(0, owners).Select(i => KeyPair.FromSeed(Seed(i + 1, 0x33))).ToArray();

        var genesis = new Genesis { ChainId = ChainId, GenesisTimeUnixMs = 1_700_000_000_000 };
        genesis.Departments.Add(new Department { Id = "lands", Name = "Lands", ValidatorKey = ByteString.CopyFrom(_validator.PublicKey), VotingPower = 1 });
        genesis.Roles.Add(new RoleGrant { Role = Roles.LandRegistrar, Holder = ByteString.CopyFrom(_registrar.PublicKey), DepartmentId = "lands" });
        _genesis = GenesisDocument.FromProto(genesis);
        Database = NodeDatabase.Open(_dir.Sub("db"), ChainId, _genesis.Hash, new StorageOptions { SyncWrites = syncWrites });
        Database.State.CommitGenesis(Database.State.Prepare(0, ContractEngine.InitialState(_genesis)));

        var setup = new VerifiedTransaction[owners];
        Parallel.For(0, owners, k => setup[k] = Verify(LandCalls.RegisterParcel(ParcelId(k), _owners[k].PublicKey, new byte[32], 100 + (ulong)k)
            .Sign(ChainId, _registrar, (ulong)k + 1)));
        CommitBlock(setup);

        var buyer = new byte[32];
        buyer[0] = 0xB0;
        _blocks = new VerifiedTransaction[measuredBlocks][];
        for (var b = 0; b < measuredBlocks; b++)
        {
            var round = b;
            var block = new VerifiedTransaction[owners];
            Parallel.For(0, owners, k =>
            {
                var call = round % 2 == 0 ? LandCalls.OfferTransfer(ParcelId(k), buyer, 1000 + (ulong)round) : LandCalls.CancelTransfer(ParcelId(k));
                block[k] = Verify(call.Sign(ChainId, _owners[k], (ulong)round + 1));
            });
            _blocks[b] = block;
        }
    }

    public NodeDatabase Database { get; }

    public ContractEngine Engine { get; } = new();

    /// <summary>Blocks still available; each measured block can be committed once.</summary>
    public int Remaining => _blocks.Length - _next;

    /// <summary>The transactions of the next measured block (not consumed).</summary>
    public VerifiedTransaction[] PeekNext() =>
        _next < _blocks.Length ? _blocks[_next] : throw new InvalidOperationException($"Only {_blocks.Length} blocks were pre-signed.");

    public BlockContext NextContext => Context(Database.Blocks.LastHeight + 1);

    /// <summary>Everything the commit writes, computed but not written: execution, prepared state, block and certificate.</summary>
    public PendingBlock BuildNext()
    {
        var txs = PeekNext();
        _next++;
        return Build(txs);
    }

    public PendingBlock Build(IReadOnlyList<VerifiedTransaction> txs)
    {
        var height = Database.Blocks.LastHeight + 1;
        var execution = Engine.ExecuteBlock(Context(height), txs, Database.State.Latest());
        var state = Database.State.Prepare(height, execution.Changes);
        var (block, certificate) = Seal(height, txs, execution.Receipts, state.Root);
        return new PendingBlock(block, certificate, execution.Receipts, state);
    }

    public void Append(PendingBlock pending) =>
        Database.Blocks.Append(pending.Block, pending.Certificate, pending.Receipts, pending.State);

    /// <summary>The node's whole commit path for one block.</summary>
    public void CommitBlock(IReadOnlyList<VerifiedTransaction> txs)
    {
        var pending = Build(txs);
        foreach (var receipt in pending.Receipts)
        {
            if (receipt.Code != 0)
            {
                throw new InvalidOperationException($"Benchmark transaction {receipt.Index} failed: {(ResultCode)receipt.Code} {receipt.Message}");
            }
        }

        Append(pending);
    }

    public void CommitNext()
    {
        var txs = PeekNext();
        _next++;
        CommitBlock(txs);
    }

    public void Dispose()
    {
        Database.Dispose();
        _dir.Dispose();
        _validator.Dispose();
        _registrar.Dispose();
        foreach (var owner in _owners)
        {
            owner.Dispose();
        }
    }

    private (Block Block, CommitCertificate Certificate) Seal(ulong height, IReadOnlyList<VerifiedTransaction> txs, IReadOnlyList<Receipt> receipts, Hash32 stateRoot)
    {
        var header = new BlockHeader
        {
            ChainId = ChainId,
            Height = height,
            TimeUnixMs = _genesis.Proto.GenesisTimeUnixMs + ((long)height * 1000),
            PreviousHash = Bytes(height == 1 ? _genesis.Hash : Database.Blocks.LastBlockHash),
            ValidatorSetHash = Bytes(_genesis.Validators.Hash),
            NextValidatorSetHash = Bytes(_genesis.Validators.Hash),
            Proposer = ByteString.CopyFrom(_validator.PublicKey),
            TxCount = (uint)txs.Count,
            StateRoot = Bytes(stateRoot),
            ReceiptsRoot = Bytes(BlockHashing.ReceiptsRoot(receipts)),
            EvidenceHash = Bytes(MerkleTree.RootOfHashes([])),
        };
        var block = new Block { Header = header };
        foreach (var tx in txs)
        {
            block.Transactions.Add(tx.Signed);
        }

        header.TxRoot = Bytes(MerkleTree.RootOfHashes(txs.Select(t => t.Id).ToArray()));
        if (height > 1)
        {
            block.LastCommit = Database.Blocks.GetCertificate(height - 1) ?? throw new InvalidOperationException($"No certificate for block {height - 1}.");
            header.LastCommitHash = Bytes(block.LastCommit.Hash());
        }

        var hash = header.Hash();
        var vote = Votes.Sign(ChainId, VoteType.Precommit, height, 0, hash, _validator);
        return (block, CommitCertificates.FromPrecommits(height, 0, hash, [vote]));
    }

    private BlockContext Context(ulong height) =>
        new(ChainId, height, _genesis.Proto.GenesisTimeUnixMs + ((long)height * 1000), ByteString.CopyFrom(_validator.PublicKey));

    private static VerifiedTransaction Verify(SignedTransaction signed) =>
        TransactionVerifier.TryVerify(signed, ChainId, 1 << 20, out var verified, out _, out var reason)
            ? verified!
            : throw new InvalidOperationException(reason);

    private static ByteString Bytes(Hash32 hash) => ByteString.CopyFrom(hash.ToArray());

    private static string ParcelId(int k) => $"CP-{k:D6}";

    private static byte[] Seed(int i, byte tag)
    {
        var seed = new byte[32];
        BitConverter.TryWriteBytes(seed, i);
        seed[31] = tag;
        return seed;
    }
}

/// <summary>A block ready to append: what the node holds between deciding a block and writing it.</summary>
public sealed record PendingBlock(Block Block, CommitCertificate Certificate, IReadOnlyList<Receipt> Receipts, PreparedState State);
