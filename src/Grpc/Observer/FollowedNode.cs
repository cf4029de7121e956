using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using Grpc.Net.Client;
using ClientApiClient = GovChain.Protocol.Client.ClientClient;

namespace GovChain.Grpc.Observer;

/// <summary>
/// One department node an observer follows: its client API channel (TLS server authentication,
/// the certificate pinned from genesis by exact bytes), the height it last announced, and a ban
/// while it is suspected of serving a block that does not verify.
/// </summary>
internal sealed class FollowedNode : IDisposable
{
    private readonly GrpcChannel _channel;
    private long _height;
    private long _bannedUntilTicks;
    private int _connected;
    private string _department = "?";

    public FollowedNode(Uri address, GenesisDocument genesis, int maxMessageBytes)
    {
        Address = address;
        // A stable id for the driver's claims and reports; no validator key is involved.
        Id = Hashes.Plain(Encoding.UTF8.GetBytes("govchain-observer-follow:" + address.AbsoluteUri));
        var pins = genesis.Proto.Departments.Where(d => d.TlsCertificate.Length > 0).Select(d => (d.Id, Der: d.TlsCertificate.ToByteArray())).ToArray();
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(15),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        if (address.Scheme == Uri.UriSchemeHttps)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                // A department's certificate as genesis pins it, whichever department: no CA, no
                // name matching. Nothing it serves is trusted for that: every block is verified.
                RemoteCertificateValidationCallback = (_, certificate, _, _) => Accept(certificate, pins),
            };
        }

        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = maxMessageBytes,
            MaxSendMessageSize = maxMessageBytes,
        });
        Api = new ClientApiClient(_channel);
    }

    public Uri Address { get; }

    public Hash32 Id { get; }

    public ClientApiClient Api { get; }

    /// <summary>The department whose pinned certificate the node presented ("?" before the first handshake).</summary>
    public string Department => Volatile.Read(ref _department);

    public ulong Height => (ulong)Interlocked.Read(ref _height);

    public bool Connected => Volatile.Read(ref _connected) == 1;

    public void Announced(ulong height)
    {
        Interlocked.Exchange(ref _height, (long)height);
        Volatile.Write(ref _connected, 1);
    }

    public void Lost() => Volatile.Write(ref _connected, 0);

    public bool IsBanned(TimeProvider time) => time.GetUtcNow().UtcTicks < Interlocked.Read(ref _bannedUntilTicks);

    public void Ban(TimeProvider time, TimeSpan period) => Interlocked.Exchange(ref _bannedUntilTicks, (time.GetUtcNow() + period).UtcTicks);

    public void Dispose() => _channel.Dispose();

    private bool Accept(X509Certificate? certificate, (string Id, byte[] Der)[] pins)
    {
        if (certificate is null)
        {
            return false;
        }

        var der = certificate.GetRawCertData();
        foreach (var (id, pinned) in pins)
        {
            if (der.AsSpan().SequenceEqual(pinned))
            {
                Volatile.Write(ref _department, id);
                return true;
            }
        }

        return false;
    }
}
