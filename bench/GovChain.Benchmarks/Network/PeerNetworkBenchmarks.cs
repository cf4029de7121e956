using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Grpc.Peers;
using GovChain.Grpc.Server;
using GovChain.Node.Mempool;
using GovChain.Node.Network;
using GovChain.Node.Security;
using GovChain.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovChain.Benchmarks.Network;

/// <summary>
/// Two department nodes on loopback, over mutual TLS or plaintext: consensus messages
/// delivered per second through the bounded queue and stream, a 256-transaction gossip batch
/// round trip, and the cost of one handshake proof (sign + verify).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class PeerNetworkBenchmarks
{
    private const int MessagesPerInvoke = 2000;

    private readonly List<IAsyncDisposable> _running = [];
    private KeyPair[] _keys = [];
    private CountingHandler _receiver = null!;
    private GrpcPeerNetwork _sender = null!;
    private Hash32 _receiverKey;
    private ConsensusMessage _vote = null!;
    private SignedTransaction[] _batch = [];
    private HandshakeBinding _binding;

    [Params(false, true)]
    public bool Tls { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var item in Enumerable.Reverse(_running))
        {
            item.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }

    [Benchmark(OperationsPerInvoke = MessagesPerInvoke, Description = "consensus message, broadcast to delivered")]
    public async Task DeliverVotes()
    {
        var target = _receiver.Count + MessagesPerInvoke;
        for (var i = 0; i < MessagesPerInvoke; i++)
        {
            _sender.Broadcast(_vote);
        }

        await _receiver.WaitForAsync(target);
    }

    [Benchmark(Description = "gossip batch of 256 txs, round trip with results")]
    public Task<AdmissionResult[]> GossipBatch() => _sender.GossipToAsync(_receiverKey, _batch, CancellationToken.None);

    [Benchmark(Description = "handshake proof: sign + verify")]
    public bool HandshakeProof() =>
        HandshakeTranscript.Verify(HandshakeRole.Dialler, _binding, HandshakeTranscript.Sign(_keys[0], HandshakeRole.Dialler, _binding));

    private async Task SetupAsync()
    {
        var ports = new int[2];
        var listeners = Enumerable.Range(0, 2).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        foreach (var l in listeners)
        {
            l.Start();
        }

        for (var i = 0; i < 2; i++)
        {
            ports[i] = ((IPEndPoint)listeners[i].LocalEndpoint).Port;
            listeners[i].Stop();
        }

        _keys = [KeyPair.Generate(), KeyPair.Generate()];
        var certificates = new X509Certificate2?[2];
        var proto = new Protocol.Genesis { ChainId = "bench", GenesisTimeUnixMs = 1 };
        for (var i = 0; i < 2; i++)
        {
            if (Tls)
            {
                using var created = DepartmentCertificates.Create($"dept-{i}", ["127.0.0.1"], TimeSpan.FromDays(1));
                certificates[i] = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
            }

            proto.Departments.Add(new Department
            {
                Id = $"dept-{i}",
                ValidatorKey = ByteString.CopyFrom(_keys[i].PublicKey),
                VotingPower = 1,
                Endpoint = $"127.0.0.1:{ports[i]}",
                TlsCertificate = certificates[i] is { } c ? ByteString.CopyFrom(c.RawData) : ByteString.Empty,
            });
        }

        var genesis = GenesisDocument.FromProto(proto);
        var handlers = new[] { new CountingHandler(), new CountingHandler() };
        var networks = new GrpcPeerNetwork[2];
        var options = new GrpcPeerNetworkOptions { MaxQueuedConsensusMessages = 4 * MessagesPerInvoke };
        for (var i = 0; i < 2; i++)
        {
            var transport = certificates[i] is { } cert ? PeerTransport.MutualTls(cert) : PeerTransport.Plaintext;
            networks[i] = new GrpcPeerNetwork(genesis, $"dept-{i}", _keys[i], handlers[i], transport, TimeProvider.System, NullLoggerFactory.Instance, options);
            var server = PeerEndpoint.Create(networks[i], new GrpcEndpointOptions
            {
                Endpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, ports[i]),
                Security = transport.CreateServerSecurity(genesis),
            }, options.MaxMessageBytes);
            await server.StartAsync();
            _running.Add(server);
        }

        for (var i = 0; i < 2; i++)
        {
            await networks[i].StartAsync(handlers[i], CancellationToken.None);
            _running.Add(networks[i]);
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!networks.All(n => n.Peers.All(p => p.Connected)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the two nodes did not connect");
            }

            await Task.Delay(20);
        }

        _sender = networks[0];
        _receiver = handlers[1];
        _receiverKey = new Hash32(_keys[1].PublicKey);
        _vote = new ConsensusMessage
        {
            Vote = new Vote
            {
                Type = VoteType.Prevote,
                Height = 1000,
                Round = 0,
                BlockHash = ByteString.CopyFrom(new byte[32]),
                Validator = ByteString.CopyFrom(_keys[0].PublicKey),
                Signature = ByteString.CopyFrom(new byte[64]),
            },
        };
        using var sender = KeyPair.Generate();
        _batch = Enumerable.Range(1, 256).Select(n => new SignedTransaction
        {
            Body = new TransactionBody { ChainId = "bench", Sender = ByteString.CopyFrom(sender.PublicKey), Nonce = (ulong)n, Contract = "land", Method = "TransferParcel", Args = ByteString.CopyFrom(new byte[120]) }.ToByteString(),
            Signature = ByteString.CopyFrom(new byte[64]),
        }).ToArray();
        _binding = new HandshakeBinding(genesis.Hash, Hash32.Zero, Hash32.Zero, new Hash32(_keys[0].PublicKey), _receiverKey, Hash32.Zero, Hash32.Zero);
    }

    /// <summary>Counts what arrives; admits every gossiped transaction without checks (the network is measured, not the mempool).</summary>
    private sealed class CountingHandler : IPeerHandler
    {
        private long _count;
        private TaskCompletionSource? _waiter;
        private long _target;

        public long Count => Interlocked.Read(ref _count);

        public ulong Height => 1;

        public void OnConsensusMessage(Hash32 fromValidator, ConsensusMessage message)
        {
            var count = Interlocked.Increment(ref _count);
            if (count >= Interlocked.Read(ref _target))
            {
                Volatile.Read(ref _waiter)?.TrySetResult();
            }
        }

        public Task WaitForAsync(long target)
        {
            // The target moves first, so a message arriving in between cannot complete the new waiter early.
            Interlocked.Exchange(ref _target, target);
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _waiter, waiter);
            if (Count >= target)
            {
                waiter.TrySetResult();
            }

            return waiter.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        public AdmissionResult[] OnTransactions(Hash32 fromValidator, IReadOnlyList<SignedTransaction> transactions) =>
            transactions.Select(t => new AdmissionResult(AdmissionCode.Admitted, Hash32.Zero, string.Empty)).ToArray();

        public IEnumerable<CertifiedBlock> ReadBlocks(ulong fromHeight, ulong toHeight) => [];

        public void OnPeerHeight(Hash32 validator, ulong height)
        {
        }
    }
}
