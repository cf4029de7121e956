using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;

namespace GovChain.Grpc.Server;

/// <summary>What a handler needs of its call's connection, read from the ASP.NET Core request under it.</summary>
internal static class CallContextExtensions
{
    /// <summary>The caller's IP address (IPv4-mapped IPv6 as IPv4); null when the transport has none.</summary>
    public static IPAddress? RemoteIpAddress(this ServerCallContext context)
    {
        var address = context.GetHttpContext().Connection.RemoteIpAddress;
        return address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
    }

    /// <summary>The certificate the caller presented in the TLS handshake, if any.</summary>
    public static X509Certificate2? ClientCertificate(this ServerCallContext context) =>
        context.GetHttpContext().Connection.ClientCertificate;
}
