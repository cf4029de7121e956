using System.Collections.Frozen;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;

namespace GovChain.Grpc.Peers;

/// <summary>
/// The genesis departments seen from this node: who it is, who its peers are, and the checks
/// that the node's own key, certificate and transport agree with genesis (a misconfigured
/// node fails here, at start, with the reason).
/// </summary>
internal sealed class PeerDirectory
{
    private readonly FrozenDictionary<string, PeerState> _byDepartment;
    private readonly FrozenDictionary<Hash32, PeerState> _byKey;

    public PeerDirectory(GenesisDocument genesis, string departmentId, KeyPair validatorKey, PeerTransport transport)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentException.ThrowIfNullOrWhiteSpace(departmentId);
        ArgumentNullException.ThrowIfNull(validatorKey);
        ArgumentNullException.ThrowIfNull(transport);

        var own = genesis.FindDepartment(departmentId)
            ?? throw new ArgumentException($"department '{departmentId}' is not in genesis", nameof(departmentId));
        Self = new PeerIdentity(own);
        if (!validatorKey.PublicKey.SequenceEqual(Self.ValidatorKeyBytes))
        {
            throw new ArgumentException(
                $"the validator key {validatorKey.PublicKeyHex} is not the key genesis lists for '{departmentId}' ({Hex.Encode(Self.ValidatorKeyBytes)})",
                nameof(validatorKey));
        }

        GenesisHash = genesis.Hash;
        ValidatorKey = validatorKey;
        Transport = transport;
        var peers = genesis.Proto.Departments.Where(d => d.Id != departmentId).Select(d => new PeerState(new PeerIdentity(d))).ToArray();
        if (transport.Certificate is { } certificate)
        {
            if (Self.CertificateDer is null || !certificate.RawDataMemory.Span.SequenceEqual(Self.CertificateDer))
            {
                throw new ArgumentException($"the node certificate is not the one genesis lists for '{departmentId}'", nameof(transport));
            }

            var missing = peers.Where(p => p.Identity.CertificateDer is null).Select(p => p.Identity.DepartmentId).ToArray();
            if (missing.Length > 0)
            {
                throw new ArgumentException($"mutual TLS needs a certificate for every department; genesis lists none for: {string.Join(", ", missing)}", nameof(transport));
            }
        }
        else
        {
            var remote = peers.Where(p => p.Identity.Endpoint.Length > 0 && !PeerTransport.IsLoopbackHost(HostOf(p.Identity.Endpoint)))
                .Select(p => $"{p.Identity.DepartmentId} ({p.Identity.Endpoint})").ToArray();
            if (remote.Length > 0)
            {
                throw new ArgumentException($"plaintext peers are for loopback only; these endpoints are not: {string.Join(", ", remote)}", nameof(transport));
            }
        }

        Peers = peers;
        _byDepartment = peers.ToFrozenDictionary(p => p.Identity.DepartmentId, StringComparer.Ordinal);
        _byKey = peers.ToFrozenDictionary(p => p.Identity.ValidatorKey);
    }

    public PeerIdentity Self { get; }

    public Hash32 GenesisHash { get; }

    public KeyPair ValidatorKey { get; }

    public PeerTransport Transport { get; }

    /// <summary>SHA-256 of this node's certificate, zero in plaintext mode.</summary>
    public Hash32 OwnCertificateHash => Transport.IsTls ? Self.CertificateHash : Hash32.Zero;

    /// <summary>The other departments, in genesis order.</summary>
    public IReadOnlyList<PeerState> Peers { get; }

    public PeerState? Find(string departmentId) => _byDepartment.GetValueOrDefault(departmentId);

    public PeerState? Find(Hash32 validatorKey) => _byKey.GetValueOrDefault(validatorKey);

    /// <summary>The URI to dial for a genesis endpoint.</summary>
    public Uri AddressOf(PeerIdentity peer) => new($"{(Transport.IsTls ? "https" : "http")}://{peer.Endpoint}");

    private static string HostOf(string endpoint) => endpoint[..endpoint.LastIndexOf(':')];
}
