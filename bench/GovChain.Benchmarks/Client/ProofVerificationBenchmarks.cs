using System.Text;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using GovChain.Client.Verification;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;
using GovChain.Core.State;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using GovChain.Storage;

namespace GovChain.Benchmarks.Client;

/// <summary>
/// What a citizen's or an agency's machine pays to check a proof offline with the SDK: a
/// transaction with its receipt in a 1,000-transaction block, and a record in a 10,000-key
/// state, each certified by 3 of 4 validators (the certificate's Ed25519 checks dominate).
/// The state is the genesis state (height 0) only to keep the set-up short; the work is the same.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ProofVerificationBenchmarks
{
    private const string ChainId = "bench-proofs";
    private readonly List<KeyPair> _keys = [];
    private ProofVerifier _verifier = null!;
    private TransactionProof _txProof = null!;
    private CertifiedStateProof _stateProof = null!;
    private byte[] _stateKey = null!;
    private NodeDatabase _db = null!;

    [GlobalSetup]
    public void Setup()
    {
        var genesis = new Genesis { ChainId = ChainId };
        for (var i = 0; i < 4; i++)
        {
            var key = Key(i + 1);
            genesis.Departments.Add(new Department { Id = $"dept-{i}", ValidatorKey = ByteString.CopyFrom(key.PublicKey), VotingPower = 10 });
        }

        var document = GenesisDocument.FromProto(genesis);
        _verifier = new ProofVerifier(document);

        var sender = Key(99);
        var txs = Enumerable.Range(1, 1000)
            .Select(n => TransactionCodec.Create(ChainId, sender, (ulong)n, "land", "register_parcel", null))
            .ToList();
        var receipts = txs.Select((t, i) => new Receipt { TxId = ByteString.CopyFrom(t.Id().ToArray()), Index = (uint)i }).ToList();

        _db = NodeDatabase.OpenInMemory(ChainId, document.Hash);
        var state = new StateChanges();
        for (var i = 0; i < 10_000; i++)
        {
            state.Set(Encoding.UTF8.GetBytes($"land/parcel/P-{i}"), new byte[120]);
        }

        var prepared = _db.State.Prepare(0, state);
        _db.State.CommitGenesis(prepared);

        var header = new BlockHeader
        {
            ChainId = ChainId,
            Height = 0,
            TxRoot = Bytes(BlockHashing.TxRoot(txs)),
            ReceiptsRoot = Bytes(BlockHashing.ReceiptsRoot(receipts)),
            StateRoot = Bytes(prepared.Root),
            ValidatorSetHash = Bytes(document.Validators.Hash),
            TxCount = (uint)txs.Count,
        };
        var hash = header.Hash();
        var certificate = CommitCertificates.FromPrecommits(0, 0, hash, _keys.Take(3).Select(k => Votes.Sign(ChainId, VoteType.Precommit, 0, 0, hash, k)));

        const int index = 617;
        _txProof = new TransactionProof
        {
            Transaction = txs[index],
            Receipt = receipts[index],
            Header = header,
            Certificate = certificate,
            TxInclusion = MerkleTree.ProveHash(txs.Select(t => t.Id()).ToArray(), index).ToProto(),
            ReceiptInclusion = MerkleTree.ProveHash(receipts.Select(r => r.Hash()).ToArray(), index).ToProto(),
            Validators = document.Validators.ToProto(),
        };

        _stateKey = Encoding.UTF8.GetBytes("land/parcel/P-4242");
        _stateProof = new CertifiedStateProof
        {
            Proof = _db.State.Prove(_stateKey, 0),
            Header = header,
            Certificate = certificate,
            Validators = document.Validators.ToProto(),
        };

        if (!_verifier.VerifyTransaction(_txProof).IsProven || !_verifier.VerifyState(_stateProof, _stateKey).IsProven)
        {
            throw new InvalidOperationException("the benchmark's proofs do not verify");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _db.Dispose();
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }

    [Benchmark]
    public bool VerifyTransactionProof() => _verifier.VerifyTransaction(_txProof).IsProven;

    [Benchmark]
    public bool VerifyStateProof() => _verifier.VerifyState(_stateProof, _stateKey).IsProven;

    private KeyPair Key(int seed)
    {
        var bytes = new byte[32];
        bytes[0] = (byte)seed;
        var key = KeyPair.FromSeed(bytes);
        _keys.Add(key);
        return key;
    }

    private static ByteString Bytes(Hash32 hash) => ByteString.CopyFrom(hash.ToArray());
}
