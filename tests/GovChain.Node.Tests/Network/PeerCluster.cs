using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Grpc.Peers;
using GovChain.Grpc.Server;
using GovChain.Node.Security;
using GovChain.Protocol;
using GovChain.Tests.Shared;
using Grpc.Core;

namespace GovChain.Node.Tests.Network;

/// <summary>
/// N department nodes on loopback, each a real gRPC endpoint hosting its GrpcPeerNetwork's service.
/// Ports are reserved free first, because genesis lists every endpoint before anything starts.
/// </summary>
internal sealed class PeerCluster : IAsyncDisposable
{
    private PeerCluster(GenesisDocument genesis, Member[] members, GrpcPeerNetworkOptions options)
    {
        Genesis = genesis;
        Members = members;
        Options = options;
    }

    public GenesisDocument Genesis { get; }

    public Member[] Members { get; }

    public GrpcPeerNetworkOptions Options { get; }

    public Member this[int index] => Members[index];

    public static GrpcPeerNetworkOptions TestOptions() => new()
    {
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
        StatusInterval = TimeSpan.FromMilliseconds(50),
        MaxMessageBytes = 1024 * 1024,
        MaxGossipBatchBytes = 256 * 1024,
    };

    /// <summary>Identities, certificates and a genesis for <paramref name="count"/> departments on free loopback ports (nothing started).</summary>
    public static (GenesisDocument Genesis, Member[] Members) Plan(int count, bool tls)
    {
        var ports = ReserveFreePorts(count);
        var members = new Member[count];
        var genesis = new Protocol.Genesis { ChainId = "peer-test", GenesisTimeUnixMs = 1_700_000_000_000 };
        for (var i = 0; i < count; i++)
        {
            var id = $"dept-{i}";
            X509Certificate2? certificate = null;
            if (tls)
            {
                using var created = DepartmentCertificates.Create(id, ["127.0.0.1", "localhost"], TimeSpan.FromDays(1));
                certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
            }

            members[i] = new Member(id, KeyPair.Generate(), certificate, ports[i]);
            genesis.Departments.Add(new Department
            {
                Id = id,
                Name = $"Department {i}",
                ValidatorKey = ByteString.CopyFrom(members[i].Key.PublicKey),
                VotingPower = 1,
                Endpoint = $"127.0.0.1:{ports[i]}",
                TlsCertificate = certificate is null ? ByteString.Empty : ByteString.CopyFrom(certificate.RawData),
            });
        }

        return (GenesisDocument.FromProto(genesis), members);
    }

    /// <param name="running">How many of the members (the first ones) run a node; the rest are identities in genesis only, for tests that speak the protocol by hand.</param>
    public static async Task<PeerCluster> StartAsync(
        int count, bool tls, GrpcPeerNetworkOptions? options = null, Action<int, FakePeerHandler>? setup = null, int? running = null)
    {
        options ??= TestOptions();
        var (genesis, members) = Plan(count, tls);
        var cluster = new PeerCluster(genesis, members, options);
        try
        {
            for (var i = 0; i < (running ?? count); i++)
            {
                setup?.Invoke(i, members[i].Handler);
                var m = members[i];
                m.Network = new GrpcPeerNetwork(genesis, m.Id, m.Key, m.Handler, m.Transport, TimeProvider.System, m.Logs, options);
                await cluster.StartServerAsync(i);
            }

            foreach (var m in members.Where(m => m.Network is not null))
            {
                await m.Network!.StartAsync(m.Handler, CancellationToken.None);
            }

            await cluster.WaitAllConnectedAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public static GrpcEndpoint CreateServer(GenesisDocument genesis, Member member, GrpcPeerNetwork network, GrpcPeerNetworkOptions options)
    {
        return PeerEndpoint.Create(network, new GrpcEndpointOptions
        {
            Endpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, member.Port),
            Security = member.Transport.CreateServerSecurity(genesis),
            ShutdownTimeout = TimeSpan.FromSeconds(2),
        }, options.MaxMessageBytes);
    }

    public async Task StartServerAsync(int index)
    {
        var m = Members[index];
        m.Server = CreateServer(Genesis, m, m.Network!, Options);
        await m.Server.StartAsync();
    }

    public async Task StopServerAsync(int index)
    {
        var m = Members[index];
        if (m.Server is { } server)
        {
            m.Server = null;
            await server.DisposeAsync();
        }
    }

    public Task WaitAllConnectedAsync()
    {
        var running = Members.Where(m => m.Network is not null).ToArray();
        var ids = running.Select(m => m.Id).ToHashSet();
        return TestWait.UntilAsync(
            () => running.All(m => m.Network!.Peers.Where(p => ids.Contains(p.DepartmentId)).All(p => p.Connected)),
            "every running node has a session with every running peer");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var m in Members)
        {
            if (m.Network is { } network)
            {
                await network.DisposeAsync();
            }
        }

        for (var i = 0; i < Members.Length; i++)
        {
            await StopServerAsync(i);
            Members[i].Dispose();
        }
    }

    internal static int[] ReserveFreePorts(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    internal sealed class Member(string id, KeyPair key, X509Certificate2? certificate, int port) : IDisposable
    {
        public string Id { get; } = id;

        public KeyPair Key { get; } = key;

        public Hash32 ValidatorKey { get; } = new(key.PublicKey);

        public X509Certificate2? Certificate { get; } = certificate;

        public int Port { get; } = port;

        public PeerTransport Transport => Certificate is null ? PeerTransport.Plaintext : PeerTransport.MutualTls(Certificate);

        public FakePeerHandler Handler { get; } = new();

        public CapturingLoggerFactory Logs { get; } = new();

        public GrpcPeerNetwork? Network { get; set; }

        public GrpcEndpoint? Server { get; set; }

        public void Dispose()
        {
            Key.Dispose();
            Certificate?.Dispose();
        }
    }
}
