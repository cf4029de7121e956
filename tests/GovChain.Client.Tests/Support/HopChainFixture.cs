using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;
using GovChain.Core.Transactions;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Tests.Fixtures;

/// <summary>
/// A chain made up offline, signed for real: a genesis of four departments of power 10, then
/// three governance key rotations — the validator sets change after blocks 10, 20 and 30, each
/// change certified by three validators of the set before it — so the genesis keys keep only
/// 10 of the 40 voting power; then a transaction committed in block 40, certified by the last
/// set. Shared (as a linked file) by the SDK, CLI and JavaScript tests.
/// </summary>
public sealed class HopChainFixture : IDisposable
{
    public const string ChainId = "govchain-hops-test";
    public const int Rotations = 3;
    public const ulong ProofHeight = 40;
    public static readonly string[] Departments = ["education", "finance", "justice", "land-registry"];

    /// <summary>The block time of the proof's block: 2026-11-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset ProofTime = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<KeyPair> _owned = [];

    public HopChainFixture(string chainId = ChainId)
    {
        var genesisKeys = Departments.Select((_, i) => Key(100 + i)).ToArray();
        var genesis = new Genesis { ChainId = chainId, GenesisTimeUnixMs = ProofTime.AddDays(-30).ToUnixTimeMilliseconds() };
        for (var i = 0; i < Departments.Length; i++)
        {
            genesis.Departments.Add(new Department { Id = Departments[i], Name = Departments[i], ValidatorKey = ByteString.CopyFrom(genesisKeys[i].PublicKey), VotingPower = 10 });
        }

        Genesis = GenesisDocument.FromProto(genesis);

        // KeysOf[s][d]: the key of department d in set s; rotation r gives department r - 1 a new key.
        KeysOf.Add(genesisKeys);
        for (var r = 1; r <= Rotations; r++)
        {
            var keys = (KeyPair[])KeysOf[r - 1].Clone();
            keys[r - 1] = Key(200 + r);
            KeysOf.Add(keys);
        }

        foreach (var keys in KeysOf)
        {
            Sets.Add(new WeightedValidatorSet(keys.Select((k, d) => new Validator { DepartmentId = Departments[d], PublicKey = ByteString.CopyFrom(k.PublicKey), VotingPower = 10 })));
        }

        for (var r = 1; r <= Rotations; r++)
        {
            var header = Header((ulong)(10 * r), Sets[r - 1], Sets[r]);
            Hops.Add(new ValidatorSetHop { Header = header, Certificate = Certify(header, KeysOf[r - 1].Take(3)), NextValidators = Sets[r].ToProto() });
        }

        Outsider = Key(999);
        Sender = Key(7);
        Proof = MakeProof(Sets[^1], KeysOf[^1].Take(3));
    }

    public GenesisDocument Genesis { get; }

    public List<KeyPair[]> KeysOf { get; } = [];

    public List<WeightedValidatorSet> Sets { get; } = [];

    /// <summary>The three certified changes, oldest first.</summary>
    public List<ValidatorSetHop> Hops { get; } = [];

    /// <summary>A key in no validator set.</summary>
    public KeyPair Outsider { get; }

    public KeyPair Sender { get; }

    /// <summary>The proof of block 40's transaction, carrying all three hops.</summary>
    public TransactionProof Proof { get; }

    /// <summary>The proof without the second change: the third hop then names a set nobody vouched for.</summary>
    public TransactionProof SkippedHop()
    {
        var proof = Proof.Clone();
        proof.ValidatorSetHops.RemoveAt(1);
        return proof;
    }

    /// <summary>The proof without its last change: the block's set is then reached by no hop.</summary>
    public TransactionProof MissingLastHop()
    {
        var proof = Proof.Clone();
        proof.ValidatorSetHops.RemoveAt(Rotations - 1);
        return proof;
    }

    /// <summary>
    /// The second change replaced by one an attacker made up: it names the right set before it, but
    /// moves trust to a set of the attacker's key, and is "certified" by the attacker alone; the
    /// rest of the proof is re-signed with the attacker's key so only the hop is wrong.
    /// </summary>
    public TransactionProof ForgedHop()
    {
        var forgedSet = new WeightedValidatorSet([new Validator { DepartmentId = "education", PublicKey = ByteString.CopyFrom(Outsider.PublicKey), VotingPower = 40 }]);
        var header = Header(20, Sets[1], forgedSet);
        var proof = MakeProof(forgedSet, [Outsider]);
        proof.ValidatorSetHops.Clear();
        proof.ValidatorSetHops.Add(Hops[0]);
        proof.ValidatorSetHops.Add(new ValidatorSetHop { Header = header, Certificate = Certify(header, [Outsider]), NextValidators = forgedSet.ToProto() });
        return proof;
    }

    /// <summary>The second change with its new set swapped for another one than its header names.</summary>
    public TransactionProof SwappedSet()
    {
        var proof = Proof.Clone();
        proof.ValidatorSetHops[1].NextValidators = Sets[1].ToProto();
        return proof;
    }

    public void Dispose()
    {
        foreach (var key in _owned)
        {
            key.Dispose();
        }
    }

    private TransactionProof MakeProof(WeightedValidatorSet set, IEnumerable<KeyPair> signers)
    {
        var tx = TransactionCodec.Create(Genesis.ChainId, Sender, 1, "land", "register_parcel", new Protocol.Land.RegisterParcelArgs { ParcelId = "P-40", Owner = ByteString.CopyFrom(Sender.PublicKey), AreaM2 = 400 });
        var receipt = new Receipt { TxId = ByteString.CopyFrom(tx.Id().ToArray()), Height = ProofHeight, Index = 0 };
        var header = Header(ProofHeight, set, set);
        header.TxCount = 1;
        header.TimeUnixMs = ProofTime.ToUnixTimeMilliseconds();
        header.TxRoot = ByteString.CopyFrom(BlockHashing.TxRoot([tx]).ToArray());
        header.ReceiptsRoot = ByteString.CopyFrom(BlockHashing.ReceiptsRoot([receipt]).ToArray());
        var proof = new TransactionProof
        {
            Transaction = tx,
            Receipt = receipt,
            Header = header,
            Certificate = Certify(header, signers),
            TxInclusion = MerkleTree.ProveHash([tx.Id()], 0).ToProto(),
            ReceiptInclusion = MerkleTree.ProveHash([receipt.Hash()], 0).ToProto(),
            Validators = set.ToProto(),
        };
        proof.ValidatorSetHops.AddRange(Hops);
        return proof;
    }

    private BlockHeader Header(ulong height, WeightedValidatorSet set, WeightedValidatorSet next) => new()
    {
        ChainId = Genesis.ChainId,
        Height = height,
        TimeUnixMs = ProofTime.AddDays(-30).AddSeconds(height).ToUnixTimeMilliseconds(),
        PreviousHash = ByteString.CopyFrom(new byte[32]),
        StateRoot = ByteString.CopyFrom(new byte[32]),
        TxRoot = ByteString.CopyFrom(MerkleTree.EmptyRoot.ToArray()),
        ReceiptsRoot = ByteString.CopyFrom(MerkleTree.EmptyRoot.ToArray()),
        ValidatorSetHash = ByteString.CopyFrom(set.Hash.ToArray()),
        NextValidatorSetHash = ByteString.CopyFrom(next.Hash.ToArray()),
    };

    private CommitCertificate Certify(BlockHeader header, IEnumerable<KeyPair> signers)
    {
        var hash = header.Hash();
        return CommitCertificates.FromPrecommits(header.Height, 0, hash, signers.Select(k => Votes.Sign(Genesis.SigningChainId, VoteType.Precommit, header.Height, 0, hash, k)));
    }

    private KeyPair Key(int seed)
    {
        var bytes = new byte[32];
        bytes[0] = (byte)seed;
        bytes[1] = (byte)(seed >> 8);
        bytes[31] = 0x5E;
        var key = KeyPair.FromSeed(bytes);
        _owned.Add(key);
        return key;
    }
}
