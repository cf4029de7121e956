using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Google.Protobuf;
using GovChain.Contracts;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Network;
using GovChain.Protocol;

namespace GovChain.Benchmarks.Node;

/// <summary>
/// One block of 500 transactions through a node's block path, in-memory database: the
/// proposer admits them (signatures verified once, in parallel), builds, executes and
/// commits the block; a second node that never saw them validates the block (verifying the
/// signatures itself), re-executes and commits it. One block per invocation.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10, invocationCount: 1)]
[MedianColumn]
public class NodeBlockBenchmarks
{
    private const int TxsPerBlock = 500;
    private const int Rounds = 14;
    private readonly List<KeyPair> _keys = [];
    private string _root = null!;
    private KeyPair _validator = null!;
    private GovChainNode _proposer = null!;
    private GovChainNode _follower = null!;
    private SignedTransaction[][] _rounds = null!;
    private int _next;
    private Block _pending = null!;

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "govchain-bench-node-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
        _validator = KeyPair.FromSeed(Enumerable.Repeat((byte)7, 32).ToArray());
        var genesis = new Genesis
        {
            ChainId = "bench",
            GenesisTimeUnixMs = 1_700_000_000_000,
            Consensus = new ConsensusParams { MaxBlockTxs = TxsPerBlock },
        };
        genesis.Departments.Add(new Department { Id = "dept-0", Name = "Bench", ValidatorKey = ByteString.CopyFrom(_validator.PublicKey), VotingPower = 10 });
        var file = Path.Combine(_root, "genesis.json");
        File.WriteAllText(file, GenesisDocument.FromProto(genesis).ToJson());
        _proposer = NewNode(file);
        _follower = NewNode(file);

        var citizens = Enumerable.Range(0, TxsPerBlock).Select(i => KeyPair.FromSeed(Seed(i))).ToArray();
        _keys.AddRange(citizens);
        _rounds = new SignedTransaction[Rounds][];
        for (var r = 0; r < Rounds; r++)
        {
            _rounds[r] = citizens.Select((c, i) =>
                (r == 0 ? IdentityCalls.Register(Hash(i, r)) : IdentityCalls.Update(Hash(i, r))).Sign("bench", c, (ulong)r + 1)).ToArray();
        }
    }

    [IterationSetup(Target = nameof(FollowerValidatesAndCommits))]
    public void BuildOnProposer() => _pending = ProposeAndCommit();

    /// <summary>Admission, build, execution and commit on the proposer, then the same block applied by block sync on the second node.</summary>
    [Benchmark]
    public Block ProposerAdmitsBuildsCommits_PeerAppliesBySync() => ProposeAndCommitBoth();

    [Benchmark]
    public ulong FollowerValidatesAndCommits()
    {
        var hash = _pending.Header.Hash();
        var problem = _follower.Executor.Validate(_pending, hash);
        if (problem is not null)
        {
            throw new InvalidOperationException(problem);
        }

        return _follower.Executor.Commit(_pending, hash, Certify(_pending)).Height;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _proposer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _follower.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var key in _keys)
        {
            key.Dispose();
        }

        _validator.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    // The benchmark keeps both nodes at the same height, so either method can follow the other.
    private Block ProposeAndCommitBoth()
    {
        var block = ProposeAndCommit();
        _follower.Executor.ApplySynced(new CertifiedBlock { Block = block, Certificate = Certify(block) }, out _);
        return block;
    }

    private Block ProposeAndCommit()
    {
        if (_next >= Rounds)
        {
            throw new InvalidOperationException($"Only {Rounds} blocks were pre-signed.");
        }

        var results = _proposer.SubmitTransactions(_rounds[_next++]);
        if (results.Any(r => !r.IsAdmitted))
        {
            throw new InvalidOperationException(results.First(r => !r.IsAdmitted).Reason);
        }

        var height = _proposer.Database.Blocks.LastHeight + 1;
        var block = _proposer.Executor.BuildProposal(height, []).Block;
        _proposer.Executor.Commit(block, block.Header.Hash(), Certify(block));
        return block;
    }

    private CommitCertificate Certify(Block block)
    {
        var hash = block.Header.Hash();
        var vote = Votes.Sign("bench", VoteType.Precommit, block.Header.Height, 0, hash, _validator);
        return CommitCertificates.FromPrecommits(block.Header.Height, 0, hash, [vote]);
    }

    private GovChainNode NewNode(string genesisFile) => GovChainNode.Create(
        new NodeOptions
        {
            DepartmentId = "dept-0",
            GenesisFile = genesisFile,
            ListenAddress = "127.0.0.1:0",
            Storage = new StorageSettings { InMemory = true },
            Mempool = { MaxTransactions = 10_000 },
        },
        new GovChainNodeSettings { PeerNetworkFactory = _ => new IsolatedPeerNetwork(), ValidatorKey = _validator });

    private static byte[] Seed(int i)
    {
        var seed = new byte[32];
        BitConverter.TryWriteBytes(seed, i + 1);
        seed[31] = 0x42;
        return seed;
    }

    private static byte[] Hash(int i, int r) => System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes((i * 1000) + r));
}
