using System.Security.Cryptography;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Grpc.Peers;

/// <summary>
/// A department as the peer network knows it at one committed height: its validator key, where
/// it listens and the certificates it may present (its current one, and during a rotation's
/// overlap window the one it replaces).
/// </summary>
internal sealed class PeerIdentity
{
    public PeerIdentity(Department department, ulong height = 0)
    {
        DepartmentId = department.Id;
        ValidatorKeyBytes = department.ValidatorKey.ToByteArray();
        ValidatorKey = new Hash32(ValidatorKeyBytes);
        Endpoint = department.Endpoint;
        CertificateDer = department.TlsCertificate.Length > 0 ? department.TlsCertificate.ToByteArray() : null;
        CertificateHash = CertificateDer is null ? Hash32.Zero : HashCertificate(CertificateDer);
        if (department.PreviousTlsCertificate.Length > 0 && height <= department.PreviousTlsValidUntil)
        {
            PreviousCertificateDer = department.PreviousTlsCertificate.ToByteArray();
            PreviousCertificateHash = HashCertificate(PreviousCertificateDer);
        }
    }

    public string DepartmentId { get; }

    /// <summary>The validator key as a value (how the node names validators).</summary>
    public Hash32 ValidatorKey { get; }

    public byte[] ValidatorKeyBytes { get; }

    /// <summary>host:port the chain lists; empty when the department lists none.</summary>
    public string Endpoint { get; }

    /// <summary>The DER certificate the chain pins for this department, or null when it lists none.</summary>
    public byte[]? CertificateDer { get; }

    /// <summary>SHA-256 of <see cref="CertificateDer"/>, or zero when there is none.</summary>
    public Hash32 CertificateHash { get; }

    /// <summary>The certificate being rotated out, while its overlap window lasts; else null.</summary>
    public byte[]? PreviousCertificateDer { get; }

    public Hash32 PreviousCertificateHash { get; }

    /// <summary>True when a certificate with this SHA-256 is one the department may present now.</summary>
    public bool Accepts(Hash32 certificateHash) =>
        certificateHash == CertificateHash || (PreviousCertificateDer is not null && certificateHash == PreviousCertificateHash);

    /// <summary>Same key, endpoint and accepted certificates: an open connection to it stays valid.</summary>
    public bool SameAs(PeerIdentity other) =>
        DepartmentId == other.DepartmentId
        && ValidatorKey == other.ValidatorKey
        && Endpoint == other.Endpoint
        && CertificateHash == other.CertificateHash
        && (PreviousCertificateDer is null) == (other.PreviousCertificateDer is null)
        && PreviousCertificateHash == other.PreviousCertificateHash;

    /// <summary>SHA-256 of a certificate's DER bytes, as bound into the handshake transcript.</summary>
    public static Hash32 HashCertificate(ReadOnlySpan<byte> der)
    {
        Span<byte> digest = stackalloc byte[Hash32.Size];
        SHA256.HashData(der, digest);
        return new Hash32(digest);
    }
}
