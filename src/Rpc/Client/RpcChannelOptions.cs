using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace GovChain.Rpc;

/// <summary>How an <see cref="RpcChannel"/> connects. TLS is used when the address is https.</summary>
public sealed class RpcChannelOptions
{
    /// <summary>A certificate (with private key) to present for mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>
    /// Server certificates to trust: a server must present one of these, or one issued by one
    /// of them and naming the host dialled. When null (and no callback), the system trust store decides.
    /// </summary>
    public X509Certificate2Collection? TrustedServerCertificates { get; set; }

    /// <summary>Decides on the server certificate instead of the rules above.</summary>
    public Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool>? ServerCertificateValidation { get; set; }

    /// <summary>Largest response message accepted (after decompression); larger ones fail the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageBytes { get; set; } = GrpcWire.DefaultMaxMessageBytes;

    /// <summary>Largest request message sent; larger ones fail the call with RESOURCE_EXHAUSTED before anything is sent.</summary>
    public int MaxSendMessageBytes { get; set; } = GrpcWire.DefaultMaxMessageBytes;

    /// <summary>Compress request messages with gzip.</summary>
    public bool CompressRequests { get; set; }

    /// <summary>Open more HTTP/2 connections when one reaches the server's stream limit.</summary>
    public bool EnableMultipleHttp2Connections { get; set; } = true;

    /// <summary>Idle time before a keep-alive PING; conservative, because gRPC servers punish frequent pings.</summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a PING may go unanswered before the connection is dropped.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The local address connections are made from (a multi-homed host choosing its interface); null lets the system choose.</summary>
    public System.Net.IPAddress? LocalAddress { get; set; }

    public ILoggerFactory? LoggerFactory { get; set; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReceiveMessageBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSendMessageBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxReceiveMessageBytes, int.MaxValue - GrpcWire.FrameHeaderLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxSendMessageBytes, int.MaxValue - GrpcWire.FrameHeaderLength);
        if (ClientCertificate is { HasPrivateKey: false })
        {
            throw new ArgumentException("the client certificate must hold its private key");
        }
    }
}
