using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Grpc.Hosting;
using GovChain.Grpc.Peers;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Mempool;
using GovChain.Node.Network;
using GovChain.Node.Setup;
using GovChain.Protocol;
using Microsoft.Extensions.Logging;

namespace GovChain.LoadGen;

/// <summary>
/// The flood figure of issue #11: the commit rate of three honest validators (in this process,
/// real gRPC on loopback, an idle chain of empty blocks) first with the fourth department
/// silent, then with it flooding them with consensus messages, in one run, beside the
/// machine's Ed25519 verify rate. Kinds: <c>forged</c> (votes with random signatures: the
/// flooder should be banned at once) and <c>signed</c> (distinct votes it really signed for heights
/// ahead: nothing to ban, each costs the receiver a signature check).
/// </summary>
internal static class FloodBench
{
    public const string Usage = "flood [--seconds S] [--kind forged|signed]   (commit rate of 3 honest nodes without, then with, a flooding 4th)";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var seconds = 15;
        var kind = "forged";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds" when i + 1 < args.Length:
                    seconds = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--kind" when i + 1 < args.Length && args[i + 1] is "forged" or "signed":
                    kind = args[++i];
                    break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        var verifyRate = VerifyCalibration.MeasureVerificationsPerSecond(TimeSpan.FromSeconds(2));
        Console.WriteLine($"Ed25519 verify, all {Environment.ProcessorCount} cores: {verifyRate:N0}/s ({1e6 * Environment.ProcessorCount / verifyRate:F1} us per verify per core)");

        await using var cluster = await FloodCluster.StartAsync(cancellationToken).ConfigureAwait(false);
        await cluster.WaitForHeightAsync(3, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);

        var quiet = await cluster.MeasureAsync(TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"no flood:    {quiet.BlocksPerSecond:F2} blocks/s (slowest honest node; {quiet.Blocks} blocks in {quiet.Seconds:F1} s)");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var flooder = await cluster.StartFlooderAsync().ConfigureAwait(false);
        var pool = kind == "signed" ? cluster.SignedVotes(20_000) : null;
        long sent = 0;
        var flood = Task.Run(() => FloodAsync(flooder, cluster, pool, v => Interlocked.Add(ref sent, v), stop.Token), CancellationToken.None);
        FloodCluster.Window flooded;
        try
        {
            flooded = await cluster.MeasureAsync(TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await flood.ConfigureAwait(false);
        }

        Console.WriteLine($"{kind} flood: {flooded.BlocksPerSecond:F2} blocks/s ({flooded.Blocks} blocks in {flooded.Seconds:F1} s); flooder queued {Interlocked.Read(ref sent):N0} messages; bans {cluster.Bans}");
        Console.WriteLine($"ratio flood/no flood: {flooded.BlocksPerSecond / Math.Max(quiet.BlocksPerSecond, 1e-9):F2} (target >= 0.5)");
        return 0;
    }

    private static async Task FloodAsync(GrpcPeerNetwork flooder, FloodCluster cluster, ConsensusMessage[]? signed, Action<long> count, CancellationToken cancellationToken)
    {
        var key = ByteString.CopyFrom(cluster.FlooderKey.PublicKey);
        var signature = new byte[64];
        var next = 0;
        uint round = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var height = cluster.MaxHeight + 1;
            for (var i = 0; i < 256; i++)
            {
                ConsensusMessage message;
                if (signed is not null)
                {
                    message = signed[next++ % signed.Length];
                }
                else
                {
                    RandomNumberGenerator.Fill(signature);
                    message = new ConsensusMessage
                    {
                        Vote = new Vote { Type = VoteType.Prevote, Height = height, Round = round++ % 8, Validator = key, Signature = ByteString.CopyFrom(signature) },
                    };
                }

                flooder.Broadcast(message);
            }

            count(256);
            try
            {
                await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Three honest validators and the identity of a fourth, on free loopback ports.</summary>
    private sealed class FloodCluster : IAsyncDisposable
    {
        private const string ChainId = "govchain-flood-bench";
        private readonly string _root;
        private readonly KeyPair[] _keys;
        private readonly int[] _ports;
        private readonly GenesisDocument _genesis;
        private readonly GovChainNode[] _nodes;
        private readonly BanCounter _bans = new();
        private GrpcPeerNetwork? _flooder;

        private FloodCluster(string root, KeyPair[] keys, int[] ports, GenesisDocument genesis)
        {
            _root = root;
            _keys = keys;
            _ports = ports;
            _genesis = genesis;
            _nodes = new GovChainNode[3];
        }

        public KeyPair FlooderKey => _keys[3];

        public long Bans => _bans.Count;

        public ulong MaxHeight => _nodes.Max(n => n.Database.Blocks.LastHeight);

        private ulong MinHeight => _nodes.Min(n => n.Database.Blocks.LastHeight);

        public static async Task<FloodCluster> StartAsync(CancellationToken cancellationToken)
        {
            var root = Path.Combine(Path.GetTempPath(), "govchain-flood-bench", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(root);
            var keys = Enumerable.Range(0, 4).Select(_ => KeyPair.Generate()).ToArray();
            var ports = LoopbackPorts.TakeFree(4);
            var proto = new Protocol.Genesis { ChainId = ChainId, GenesisTimeUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000 };
            for (var i = 0; i < 4; i++)
            {
                proto.Departments.Add(new Department
                {
                    Id = $"dept-{i}",
                    Name = $"Department {i}",
                    ValidatorKey = ByteString.CopyFrom(keys[i].PublicKey),
                    VotingPower = 10,
                    Endpoint = $"127.0.0.1:{ports[i]}",
                });
            }

            var genesis = GenesisDocument.FromProto(proto);
            await File.WriteAllTextAsync(Path.Combine(root, "genesis.json"), genesis.ToJson(), cancellationToken).ConfigureAwait(false);
            var cluster = new FloodCluster(root, keys, ports, genesis);
            for (var i = 0; i < 3; i++)
            {
                var settings = new GovChainNodeSettings { PeerNetworkFactory = StandardNode.CreatePeerNetwork, ValidatorKey = keys[i], LoggerFactory = cluster._bans };
                StandardNode.AddServices(settings);
                cluster._nodes[i] = GovChainNode.Create(cluster.Options(i), settings);
            }

            await Task.WhenAll(cluster._nodes.Select(n => n.StartAsync())).ConfigureAwait(false);
            return cluster;
        }

        public async Task<GrpcPeerNetwork> StartFlooderAsync()
        {
            var handler = new SilentHandler();
            _flooder = new GrpcPeerNetwork(_genesis, "dept-3", _keys[3], handler, PeerTransport.Plaintext, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
            await _flooder.StartAsync(handler, CancellationToken.None).ConfigureAwait(false);
            return _flooder;
        }

        /// <summary>Distinct votes the flooder really signed, for heights ahead of the chain (nothing to ban; each is one check).</summary>
        public ConsensusMessage[] SignedVotes(int count)
        {
            var key = ByteString.CopyFrom(_keys[3].PublicKey);
            var start = MaxHeight + 2;
            var votes = new ConsensusMessage[count];
            for (var i = 0; i < count; i++)
            {
                var vote = new Vote { Type = VoteType.Prevote, Height = start + (ulong)(i / 20), Round = (uint)(i % 20), Validator = key };
                vote.Signature = ByteString.CopyFrom(_keys[3].Sign(SignBytes.Vote(ChainId, vote)));
                votes[i] = new ConsensusMessage { Vote = vote };
            }

            return votes;
        }

        public async Task WaitForHeightAsync(ulong height, TimeSpan limit, CancellationToken cancellationToken)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
            while (MinHeight < height)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException($"the honest nodes did not reach height {height}");
                }

                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<Window> MeasureAsync(TimeSpan duration, CancellationToken cancellationToken)
        {
            var from = _nodes.Select(n => n.Database.Blocks.LastHeight).ToArray();
            var start = Stopwatch.GetTimestamp();
            await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var blocks = _nodes.Select((n, i) => n.Database.Blocks.LastHeight - from[i]).Min();
            return new Window(blocks, seconds);
        }

        public async ValueTask DisposeAsync()
        {
            if (_flooder is not null)
            {
                await _flooder.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var node in _nodes.Where(n => n is not null))
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var key in _keys)
            {
                key.Dispose();
            }

            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // A temporary directory: best effort.
            }
        }

        private NodeOptions Options(int i) => new()
        {
            DataDirectory = Path.Combine(_root, $"dept-{i}"),
            DepartmentId = $"dept-{i}",
            GenesisFile = Path.Combine(_root, "genesis.json"),
            ListenAddress = $"127.0.0.1:{_ports[i]}",
            Consensus = new ConsensusTimeoutOptions
            {
                ProposeMs = 1000,
                PrevoteMs = 300,
                PrecommitMs = 300,
                DeltaMs = 100,
                RetransmitMs = 200,
                EmptyBlockDelayMs = 10,
                IdleBlockIntervalMs = 0,
                SyncPollMs = 200,
                FreshStartGraceMs = 2000,
            },
            Storage = new StorageSettings { InMemory = true, SyncWrites = false },
        };

        public readonly record struct Window(ulong Blocks, double Seconds)
        {
            public double BlocksPerSecond => Blocks / Seconds;
        }
    }

    /// <summary>The flooder's own side: it listens to nothing and serves nothing.</summary>
    private sealed class SilentHandler : IPeerHandler
    {
        public ulong Height => 0;

        public void OnConsensusMessage(Hash32 fromValidator, ConsensusMessage message)
        {
        }

        public AdmissionResult[] OnTransactions(Hash32 fromValidator, IReadOnlyList<SignedTransaction> transactions) =>
            new AdmissionResult[transactions.Count];

        public IEnumerable<CertifiedBlock> ReadBlocks(ulong fromHeight, ulong toHeight) => [];

        public void OnPeerHeight(Hash32 validator, ulong height)
        {
        }
    }

    /// <summary>The honest nodes' logs: warnings and above go to the console's error stream, bans (event 5305) are counted.</summary>
    private sealed class BanCounter : ILoggerFactory, ILogger
    {
        private long _count;
        private readonly ConcurrentDictionary<int, long> _warnings = new();

        public long Count => Interlocked.Read(ref _count);

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 5305)
            {
                Interlocked.Increment(ref _count);
            }

            // The first few of each kind, so a run shows what went on without drowning in it.
            if (logLevel >= LogLevel.Warning && _warnings.AddOrUpdate(eventId.Id, 1, (_, n) => n + 1) <= 3)
            {
                Console.Error.WriteLine($"  [{logLevel} {eventId.Id}] {formatter(state, exception)}");
            }
        }
    }
}
