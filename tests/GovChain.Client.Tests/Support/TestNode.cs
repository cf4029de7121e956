using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using GovChain.Contracts;
using GovChain.Contracts.Engine;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;
using GovChain.Core.Validators;
using GovChain.Grpc.ClientApi;
using GovChain.Grpc.Server;
using GovChain.Node.Chain;
using GovChain.Node.Mempool;
using GovChain.Protocol;
using GovChain.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GovChain.Client.Tests.Support;

/// <summary>
/// One node's client API served on 127.0.0.1 (free port; the node's own server, which only
/// this class names, so the SDK tests see nothing but the address and standard gRPC) over an in-memory
/// database, a real mempool and contract engine. The test is the block producer: it
/// executes what the mempool holds, certifies the block with the test validators' precommits,
/// appends it and publishes it on the fake feed.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    public const string ChainId = "govchain-sdk-test";
    public static readonly string[] Departments = ["education", "finance", "justice", "land-registry"];

    private readonly List<KeyPair> _keys = [];
    private WeightedValidatorSet _validatorSet;
    private ValidatorSetUpdate? _pendingSet;

    public TestNode(MempoolOptions? mempool = null, int port = 0, X509Certificate2? tlsCertificate = null)
    {
        Validators = Departments.Select((_, i) => Key(100 + i)).ToList();
        Registrar = Key(1);
        Bank = Key(2);
        Issuer = Key(3);
        Alice = Key(10);
        Bob = Key(11);
        Admins = Departments.Select((_, i) => Key(200 + i)).ToList();
        var genesis = new Genesis { ChainId = ChainId, GenesisTimeUnixMs = 1_760_000_000_000 };
        for (var i = 0; i < Departments.Length; i++)
        {
            genesis.Departments.Add(new Department
            {
                Id = Departments[i],
                Name = Departments[i],
                ValidatorKey = ByteString.CopyFrom(Validators[i].PublicKey),
                VotingPower = 10,
            });
        }

        for (var i = 0; i < Departments.Length; i++)
        {
            genesis.Roles.Add(Grant(Roles.DepartmentAdmin, Admins[i], Departments[i]));
        }

        genesis.Roles.Add(Grant(Roles.LandRegistrar, Registrar, "land-registry"));
        genesis.Roles.Add(Grant(Roles.LandBank, Bank, "finance"));
        genesis.Roles.Add(Grant(Roles.IdentityIssuer, Issuer, "education"));
        Genesis = GenesisDocument.FromProto(genesis);
        _validatorSet = Genesis.Validators;

        Database = NodeDatabase.OpenInMemory(ChainId, Genesis.Hash);
        Database.State.CommitGenesis(Database.State.Prepare(0, ContractEngine.InitialState(Genesis)));
        Engine = new ContractEngine();
        Pool = new TransactionPool(mempool ?? new MempoolOptions(), ChainId, sender => ContractEngine.NextNonce(Database.State.Latest(), sender.ToArray()));
        Service = new ClientApiService(Database, Pool, Engine, Feed, Status, Genesis, txs =>
        {
            lock (Gossiped)
            {
                Gossiped.AddRange(txs);
            }
        });
        Server = CreateServer(port, tlsCertificate is null ? ServerSecurity.Plaintext : ServerSecurity.Tls(tlsCertificate));
        Status.Node = this;
    }

    public GenesisDocument Genesis { get; }

    public NodeDatabase Database { get; }

    public ContractEngine Engine { get; }

    public TransactionPool Pool { get; }

    public FakeCommitFeed Feed { get; } = new();

    public FakeStatus Status { get; } = new();

    public ClientApiService Service { get; }

    public GrpcEndpoint Server { get; }

    public List<SignedTransaction> Gossiped { get; } = [];

    public List<KeyPair> Validators { get; }

    public KeyPair Registrar { get; }

    public KeyPair Bank { get; }

    public KeyPair Issuer { get; }

    /// <summary>The department.admin key of each department, in <see cref="Departments"/> order.</summary>
    public List<KeyPair> Admins { get; }

    public KeyPair Alice { get; }

    public KeyPair Bob { get; }

    /// <summary>Starts the node; with <paramref name="tlsCertificate"/> it serves https with that certificate.</summary>
    public static async Task<TestNode> StartAsync(MempoolOptions? mempool = null, int port = 0, X509Certificate2? tlsCertificate = null)
    {
        var node = new TestNode(mempool, port, tlsCertificate);
        await node.Server.StartAsync();
        return node;
    }

    /// <summary>Serves the same client API on <paramref name="port"/> again, e.g. after <see cref="Server"/> stopped: a node restart.</summary>
    public async Task<IAsyncDisposable> StartAnotherServerAsync(int port)
    {
        var server = CreateServer(port, ServerSecurity.Plaintext);
        await server.StartAsync();
        return server;
    }

    /// <summary>The client API alone on a Grpc.AspNetCore endpoint, as a node serves it.</summary>
    private GrpcEndpoint CreateServer(int port, ServerSecurity security) =>
        GrpcEndpoint.Create(
            new GrpcEndpointOptions { Endpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), Security = security },
            services =>
            {
                services.AddStrictGrpc();
                services.AddSingleton(Service);
            },
            app => app.MapGrpcService<ClientApiService>());

    public GovChainClient Client(GovChainClientOptions? options = null) => new(Server.Address, options ?? FastOptions());

    public static GovChainClientOptions FastOptions() => new()
    {
        DefaultTimeout = TimeSpan.FromSeconds(10),
        Retry = new RetryPolicy { MaxAttempts = 4, InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(200) },
    };

    public TransactionSigner Signer(KeyPair key, ulong nextNonce = 1) => new(ChainId, key, nextNonce);

    /// <summary>Commits everything executable in the mempool as the next block, certified by the first <paramref name="signers"/> validators.</summary>
    public CertifiedBlock CommitPending(int signers = 3)
    {
        var height = Database.Blocks.LastHeight + 1;
        if (_pendingSet is { } change && change.EffectiveFromHeight <= height)
        {
            _validatorSet = change.Validators;
            _pendingSet = null;
        }

        var nextSet = _pendingSet is { } upcoming && upcoming.EffectiveFromHeight == height + 1 ? upcoming.Validators : _validatorSet;
        var txs = Pool.Reap(10_000, long.MaxValue);
        var header = new BlockHeader
        {
            ChainId = ChainId,
            Height = height,
            TimeUnixMs = Genesis.Proto.GenesisTimeUnixMs + ((long)height * 1000),
            PreviousHash = height == 1 ? ByteString.Empty : Bytes(Database.Blocks.LastBlockHash),
            ValidatorSetHash = Bytes(_validatorSet.Hash),
            NextValidatorSetHash = Bytes(nextSet.Hash),
            Proposer = ByteString.CopyFrom(Validators[0].PublicKey),
            EvidenceHash = Bytes(MerkleTree.RootOfHashes([])),
            TxCount = (uint)txs.Count,
        };
        var result = Engine.ExecuteBlock(new BlockContext(ChainId, height, header.TimeUnixMs, header.Proposer), txs, Database.State.Latest());
        var prepared = Database.State.Prepare(height, result.Changes);
        _pendingSet = result.ValidatorUpdate ?? _pendingSet;
        var block = new Block { Header = header };
        block.Transactions.AddRange(txs.Select(t => t.Signed));
        header.TxRoot = Bytes(BlockHashing.TxRoot(block.Transactions));
        header.ReceiptsRoot = Bytes(BlockHashing.ReceiptsRoot(result.Receipts));
        header.StateRoot = Bytes(prepared.Root);
        if (height > 1)
        {
            block.LastCommit = Database.Blocks.GetCertificate(height - 1);
            header.LastCommitHash = Bytes(block.LastCommit!.Hash());
        }

        var certificate = Certify(header, signers);
        Database.Blocks.Append(block, certificate, result.Receipts, prepared);
        Pool.RemoveCommitted(txs.Select(t => t.Id));
        var committed = new CertifiedBlock { Block = block, Certificate = certificate };
        committed.Receipts.AddRange(result.Receipts);
        Feed.Publish(committed);
        return committed;
    }

    /// <summary>A certificate of <paramref name="header"/> with the precommits of the first <paramref name="signers"/> validators.</summary>
    public CommitCertificate Certify(BlockHeader header, int signers)
    {
        var hash = header.Hash();

        // The keys of the set in force (after a rotation, the new keys made with Key() sign too).
        var votes = _keys.Where(k => _validatorSet.Contains(k.PublicKey)).DistinctBy(k => new Hash32(k.PublicKey)).Take(signers).Select(v => Votes.Sign(Genesis.SigningChainId, VoteType.Precommit, header.Height, 0, hash, v));
        return CommitCertificates.FromPrecommits(header.Height, 0, hash, votes);
    }

    /// <summary>A deterministic key, disposed with the node.</summary>
    public KeyPair Key(int seed)
    {
        var bytes = new byte[32];
        bytes[0] = (byte)seed;
        bytes[1] = (byte)(seed >> 8);
        bytes[31] = 0xC1;
        var key = KeyPair.FromSeed(bytes);
        _keys.Add(key);
        return key;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Database.Dispose();
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }

    private static RoleGrant Grant(string role, KeyPair holder, string department) =>
        new() { Role = role, Holder = ByteString.CopyFrom(holder.PublicKey), DepartmentId = department };

    private static ByteString Bytes(Hash32 hash) => ByteString.CopyFrom(hash.ToArray());
}

/// <summary>The node's status as a fixed department would report it, with the live height.</summary>
public sealed class FakeStatus : INodeStatusSource
{
    public TestNode? Node { get; set; }

    public NodeStatus GetStatus() => new()
    {
        ChainId = TestNode.ChainId,
        DepartmentId = "land-registry",
        Height = Node?.Database.Blocks.LastHeight ?? 0,
        MempoolSize = (uint)(Node?.Pool.Count ?? 0),
        Version = "test",
    };
}
