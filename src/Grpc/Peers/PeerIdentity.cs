using System.Security.Cryptography;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Grpc.Peers;

/// <summary>A genesis department as the peer network knows it: its keys, where it listens and its pinned certificate.</summary>
internal sealed class PeerIdentity
{
    public PeerIdentity(Department department)
    {
        DepartmentId = department.Id;
        ValidatorKeyBytes = department.ValidatorKey.ToByteArray();
        ValidatorKey = new Hash32(ValidatorKeyBytes);
        Endpoint = department.Endpoint;
        CertificateDer = department.TlsCertificate.Length > 0 ? department.TlsCertificate.ToByteArray() : null;
        CertificateHash = CertificateDer is null ? Hash32.Zero : HashCertificate(CertificateDer);
    }

    public string DepartmentId { get; }

    /// <summary>The validator key as a value (how the node names validators).</summary>
    public Hash32 ValidatorKey { get; }

    public byte[] ValidatorKeyBytes { get; }

    /// <summary>host:port from genesis; empty when the department lists none.</summary>
    public string Endpoint { get; }

    /// <summary>The DER certificate genesis pins for this department, or null when it lists none.</summary>
    public byte[]? CertificateDer { get; }

    /// <summary>SHA-256 of <see cref="CertificateDer"/>, or zero when there is none.</summary>
    public Hash32 CertificateHash { get; }

    /// <summary>SHA-256 of a certificate's DER bytes, as bound into the handshake transcript.</summary>
    public static Hash32 HashCertificate(ReadOnlySpan<byte> der)
    {
        Span<byte> digest = stackalloc byte[Hash32.Size];
        SHA256.HashData(der, digest);
        return new Hash32(digest);
    }
}
