using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace GovChain.Client;

/// <summary>
/// How a <see cref="GovChainClient"/> reaches its node: the TLS trust, message limits and
/// connection settings, mapped onto one <see cref="GrpcChannel"/> over a
/// <see cref="System.Net.Http.SocketsHttpHandler"/>. TLS is used when the address is https.
/// Anything not named here can be set on the channel's options through <see cref="ConfigureChannel"/>,
/// or the caller builds the channel itself and passes it to the client.
/// </summary>
public sealed class GovChainChannelOptions
{
    /// <summary>
    /// Server certificates to trust: the node must present one of these (pinned, as genesis
    /// lists each department's), or one issued by one of them and naming the host dialled.
    /// The machine's root store plays no part then. When null (and no callback), the system
    /// trust store decides, as for any https site.
    /// </summary>
    public X509Certificate2Collection? TrustedServerCertificates { get; set; }

    /// <summary>Decides on the server certificate instead of the rules above.</summary>
    public Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool>? ServerCertificateValidation { get; set; }

    /// <summary>Largest response message accepted; larger ones fail the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageBytes { get; set; } = GovChainClientOptions.DefaultMaxReceiveMessageBytes;

    /// <summary>Largest request message sent; larger ones fail the call with RESOURCE_EXHAUSTED before anything is sent.</summary>
    public int MaxSendMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Open more HTTP/2 connections when one reaches the server's stream limit (many concurrent calls or streams).</summary>
    public bool EnableMultipleHttp2Connections { get; set; } = true;

    /// <summary>Idle time before a keep-alive PING; conservative, because gRPC servers punish frequent pings.</summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a PING may go unanswered before the connection is dropped.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The local address connections are made from (a multi-homed host choosing its interface); null lets the system choose.</summary>
    public System.Net.IPAddress? LocalAddress { get; set; }

    /// <summary>Logs of the gRPC client (Grpc.Net.Client's own categories); null for none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Last say on the channel's options (compression providers, credentials, ...), after the settings above are applied.</summary>
    public Action<GrpcChannelOptions>? ConfigureChannel { get; set; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReceiveMessageBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSendMessageBytes, 1);
        if (ConnectTimeout <= TimeSpan.Zero || KeepAlivePingDelay <= TimeSpan.Zero || KeepAlivePingTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("The connect timeout and the keep-alive times must be positive.");
        }
    }
}
