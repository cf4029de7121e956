using System.Collections.Frozen;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Node.Network;
using GovChain.Protocol;

namespace GovChain.Grpc.Peers;

/// <summary>
/// The departments seen from this node at its committed height: who it is, who its peers are,
/// with which keys and certificates. It starts from the membership the node has committed
/// (genesis on a fresh database), where a configuration that disagrees fails with the reason,
/// and follows every later commit (<see cref="Update"/>), where it cannot fail: what changed is
/// returned so the network redials, closes and refuses accordingly.
/// </summary>
internal sealed class PeerDirectory
{
    private readonly string _departmentId;
    private readonly IReadOnlyList<KeyPair> _keys;
    private volatile View _view;

    /// <param name="keys">This node's validator keys, first the default; the one the membership registers for the department is used.</param>
    /// <param name="initial">The committed membership to start from; genesis's when null.</param>
    public PeerDirectory(GenesisDocument genesis, string departmentId, IReadOnlyList<KeyPair> keys, PeerTransport transport, Membership? initial = null)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentException.ThrowIfNullOrWhiteSpace(departmentId);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(transport);
        if (keys.Count == 0)
        {
            throw new ArgumentException("a peer needs a validator key", nameof(keys));
        }

        _departmentId = departmentId;
        _keys = keys;
        GenesisHash = genesis.Hash;
        Transport = transport;
        OwnCertificateHash = transport.Certificate is { } own ? PeerIdentity.HashCertificate(own.RawDataMemory.Span) : Hash32.Zero;
        var membership = initial ?? new Membership(0, genesis.Proto.Departments);
        var view = Build(membership, FrozenDictionary<string, PeerState>.Empty, out var problems);
        if (view.IsMember)
        {
            if (view.Registered is { } registered)
            {
                throw new ArgumentException(
                    $"no configured validator key is the key the chain lists for '{departmentId}' at height {membership.Height} ({Hex.Encode(registered)})",
                    nameof(keys));
            }

            if (transport.IsTls && !view.Self.Accepts(OwnCertificateHash))
            {
                throw new ArgumentException($"the node certificate is not the one the chain lists for '{departmentId}' at height {membership.Height}", nameof(transport));
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(initial));
        }

        _view = view;
    }

    public Hash32 GenesisHash { get; }

    public PeerTransport Transport { get; }

    /// <summary>SHA-256 of the certificate this node presents, zero in plaintext mode.</summary>
    public Hash32 OwnCertificateHash { get; }

    /// <summary>The committed height the directory follows.</summary>
    public ulong Height => _view.Height;

    /// <summary>This node as it introduces itself: its department's record when it is a member, else its id and first key.</summary>
    public PeerIdentity Self => _view.Self;

    /// <summary>The key the chain registers for this department (the first configured key when none matches).</summary>
    public KeyPair ValidatorKey => _view.Key;

    /// <summary>Self and key read together, for a handshake that must not mix two views.</summary>
    public (PeerIdentity Self, KeyPair Key) Own
    {
        get
        {
            var view = _view;
            return (view.Self, view.Key);
        }
    }

    /// <summary>False until governance adds this node's department (or after it removes it): peers refuse it.</summary>
    public bool IsMember => _view.IsMember;

    /// <summary>The other departments, in id order.</summary>
    public IReadOnlyList<PeerState> Peers => _view.Peers;

    public PeerState? Find(string departmentId) => _view.ByDepartment.GetValueOrDefault(departmentId);

    public PeerState? Find(Hash32 validatorKey) => _view.ByKey.GetValueOrDefault(validatorKey);

    /// <summary>True when some member may present a certificate with this SHA-256 (the peer listener's TLS check).</summary>
    public bool AcceptsCertificate(Hash32 certificateHash)
    {
        foreach (var peer in _view.Peers)
        {
            if (peer.Identity.Accepts(certificateHash))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The URI to dial for an endpoint.</summary>
    public Uri AddressOf(PeerIdentity peer) => new($"{(Transport.IsTls ? "https" : "http")}://{peer.Endpoint}");

    /// <summary>
    /// Follows <paramref name="membership"/>: a peer whose key, endpoint or accepted certificates
    /// changed is a new <see cref="PeerState"/> (listed in both results), an unchanged one keeps
    /// its state. Peers that cannot be reached under this transport are left out and named in
    /// <paramref name="problems"/>. Single caller at a time (the consensus loop).
    /// </summary>
    public (IReadOnlyList<PeerState> Added, IReadOnlyList<PeerState> Removed) Update(Membership membership, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(membership);
        var old = _view;
        if (membership.Height < old.Height)
        {
            problems = [];
            return ([], []);
        }

        var view = Build(membership, old.ByDepartment, out var found);
        problems = found;
        var added = view.Peers.Where(p => !old.ByDepartment.TryGetValue(p.Identity.DepartmentId, out var before) || !ReferenceEquals(before, p)).ToArray();
        var removed = old.Peers.Where(p => !view.ByDepartment.TryGetValue(p.Identity.DepartmentId, out var now) || !ReferenceEquals(now, p)).ToArray();
        _view = view;
        return (added, removed);
    }

    private View Build(Membership membership, IReadOnlyDictionary<string, PeerState> previous, out List<string> problems)
    {
        problems = [];
        Department? own = null;
        var peers = new List<PeerState>();
        foreach (var department in membership.Departments.OrderBy(d => d.Id, StringComparer.Ordinal))
        {
            if (department.Id == _departmentId)
            {
                own = department;
                continue;
            }

            var identity = new PeerIdentity(department, membership.Height);

            if (Unreachable(identity) is { } reason)
            {
                problems.Add(reason);
                continue;
            }

            peers.Add(previous.TryGetValue(identity.DepartmentId, out var kept) && kept.Identity.SameAs(identity) ? kept : new PeerState(identity));
        }

        // The node introduces itself with the key it signs with: its registered one when it holds it.
        var held = own is null ? null : _keys.FirstOrDefault(k => own.ValidatorKey.Span.SequenceEqual(k.PublicKey));
        var key = held ?? _keys[0];
        var introduced = own?.Clone() ?? new Department { Id = _departmentId };
        introduced.ValidatorKey = Google.Protobuf.ByteString.CopyFrom(key.PublicKey);
        var self = new PeerIdentity(introduced, membership.Height);
        var byKey = new Dictionary<Hash32, PeerState>();
        foreach (var peer in peers)
        {
            byKey.TryAdd(peer.Identity.ValidatorKey, peer);
        }

        return new View(
            membership.Height,
            self,
            key,
            own is not null,
            own is not null && held is null ? own.ValidatorKey.ToByteArray() : null,
            [.. peers],
            peers.ToFrozenDictionary(p => p.Identity.DepartmentId, StringComparer.Ordinal),
            byKey.ToFrozenDictionary());
    }

    private string? Unreachable(PeerIdentity peer)
    {
        if (Transport.IsTls)
        {
            return peer.CertificateDer is null ? $"mutual TLS needs a certificate for every department; the chain lists none for: {peer.DepartmentId}" : null;
        }

        return peer.Endpoint.Length > 0 && !PeerTransport.IsLoopbackHost(HostOf(peer.Endpoint))
            ? $"plaintext peers are for loopback only; this endpoint is not: {peer.DepartmentId} ({peer.Endpoint})"
            : null;
    }

    private static string HostOf(string endpoint) => endpoint[..endpoint.LastIndexOf(':')];

    private sealed record View(
        ulong Height,
        PeerIdentity Self,
        KeyPair Key,
        bool IsMember,
        byte[]? Registered,
        PeerState[] Peers,
        FrozenDictionary<string, PeerState> ByDepartment,
        FrozenDictionary<Hash32, PeerState> ByKey);
}
