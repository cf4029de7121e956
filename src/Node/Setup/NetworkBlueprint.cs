using GovChain.Core.Crypto;
using GovChain.Node.Configuration;
using GovChain.Node.Mempool;

namespace GovChain.Node.Setup;

/// <summary>A role named in genesis and the file stem its holder's key is written under (roles/NAME.key).</summary>
public sealed record RoleHolderSpec(string Name, string Role, string DepartmentId);

/// <summary>
/// What a local department network is made of: departments, chain id, role holders, block
/// limits, and the settings every node configuration carries. <see cref="Generate"/> turns it
/// into keys, TLS certificates, loopback ports and a genesis, in memory; the result writes
/// itself as a network folder. The one place the CLI, the tests and the load generator get a
/// network from, so the three never disagree on what a department's node needs.
/// </summary>
public sealed class NetworkBlueprint
{
    public const int MaxDepartments = 64;

    /// <summary>The host every address of a local network uses: these networks are for one machine.</summary>
    public const string LoopbackHost = "127.0.0.1";

    /// <summary>The chain id of local networks; one reached beyond loopback must choose its own (see <see cref="Validate"/>).</summary>
    public const string DefaultChainId = "govchain-local";

    public static IReadOnlyList<string> DefaultDepartments { get; } = ["land-registry", "finance", "education", "justice"];

    public string ChainId { get; init; } = DefaultChainId;

    public IReadOnlyList<string> Departments { get; init; } = DefaultDepartments;

    public IReadOnlyList<RoleHolderSpec> RoleHolders { get; init; } = [];

    /// <summary>The names each department is reached by; a department left out is reached on loopback only.</summary>
    public IReadOnlyDictionary<string, DepartmentHosts> Hosts { get; init; } = new Dictionary<string, DepartmentHosts>();

    /// <summary>Local: every department is reached on loopback only (one machine).</summary>
    public bool IsLocal => Hosts.Values.All(h => h.IsLoopbackOnly);

    public DepartmentHosts HostsOf(string departmentId) => Hosts.TryGetValue(departmentId, out var hosts) ? hosts : DepartmentHosts.Loopback;

    /// <summary>Client API on base + 10i, peer listener on base + 10i + 1; 0 takes loopback ports free at generation.</summary>
    public int BasePort { get; init; }

    public uint MaxBlockTxs { get; init; } = 1000;

    /// <summary>0 leaves the genesis default.</summary>
    public uint MaxBlockBytes { get; init; }

    public ulong VotingPower { get; init; } = 10;

    /// <summary>Null: the moment of generation.</summary>
    public DateTimeOffset? GenesisTime { get; init; }

    public TimeSpan CertificateValidity { get; init; } = TimeSpan.FromDays(365);

    /// <summary>Argon2id cost of the key files written; nodes and tools open them at every start.</summary>
    public KeyFile.KdfCost KeyCost { get; init; } = KeyFile.Interactive;

    public ConsensusTimeoutOptions Consensus { get; init; } = LoopbackConsensus();

    /// <summary>Null: the node defaults (the section is left out of node.json).</summary>
    public StorageSettings? Storage { get; init; }

    /// <summary>Null: the node defaults (the section is left out of node.json).</summary>
    public MempoolOptions? Mempool { get; init; }

    /// <summary>Short timeouts for a loopback network: rounds that fail (a stopped node) move on quickly.</summary>
    public static ConsensusTimeoutOptions LoopbackConsensus() => new()
    {
        ProposeMs = 1000,
        PrevoteMs = 300,
        PrecommitMs = 300,
        DeltaMs = 100,
        RetransmitMs = 200,
        EmptyBlockDelayMs = 500,

        // A trial network on one machine keeps an empty block every half second, so that
        // deadlines counted in blocks (tenders, offers) pass in seconds.
        IdleBlockIntervalMs = 0,
        SyncPollMs = 250,
        FreshStartGraceMs = 1500,
    };

    /// <summary>Per department an admin, and each registry role held by the department that does that work (or the first one).</summary>
    public static IReadOnlyList<RoleHolderSpec> StandardRoleHolders(IReadOnlyList<string> departments)
    {
        ArgumentNullException.ThrowIfNull(departments);
        if (departments.Count == 0)
        {
            throw new ArgumentException("a network has at least one department", nameof(departments));
        }

        string Prefer(string id) => departments.Contains(id) ? id : departments[0];
        var holders = departments.Select(d => new RoleHolderSpec($"admin-{d}", "department.admin", d)).ToList();
        holders.Add(new RoleHolderSpec("registrar", "land.registrar", Prefer("land-registry")));
        holders.Add(new RoleHolderSpec("bank", "land.bank", Prefer("finance")));
        holders.Add(new RoleHolderSpec("university", "identity.issuer", Prefer("education")));
        holders.Add(new RoleHolderSpec("procurement-officer", "procurement.officer", Prefer("finance")));
        holders.Add(new RoleHolderSpec("inspector", "procurement.inspector", Prefer("justice")));
        return holders;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first thing that cannot make a network.</summary>
    public void Validate()
    {
        if (Departments is null || Departments.Count is 0 or > MaxDepartments)
        {
            throw new ArgumentException($"a network has 1 to {MaxDepartments} departments");
        }

        foreach (var d in Departments)
        {
            if (!IsValidName(d))
            {
                throw new ArgumentException($"department '{d}': use 1 to 64 lower-case letters, digits and '-'");
            }
        }

        if (Departments.Distinct(StringComparer.Ordinal).Count() != Departments.Count)
        {
            throw new ArgumentException("a department is listed twice");
        }

        if (string.IsNullOrWhiteSpace(ChainId))
        {
            throw new ArgumentException("the chain id must not be empty");
        }

        ValidateHosts();
        if (BasePort != 0 && (BasePort < 1024 || BasePort + (Departments.Count * 10) > 65535))
        {
            throw new ArgumentException($"base port {BasePort}: use 0 (free ports) or a port from 1024 leaving room for 10 per department");
        }

        if (MaxBlockTxs == 0 || VotingPower == 0 || CertificateValidity <= TimeSpan.Zero)
        {
            throw new ArgumentException("MaxBlockTxs, VotingPower and CertificateValidity must be positive");
        }

        ArgumentNullException.ThrowIfNull(Consensus);
        ArgumentNullException.ThrowIfNull(KeyCost);
        Mempool?.Validate();
        foreach (var holder in RoleHolders)
        {
            if (!IsValidName(holder.Name) || string.IsNullOrWhiteSpace(holder.Role))
            {
                throw new ArgumentException($"role holder '{holder.Name}': a name of lower-case letters, digits and '-', and a role");
            }

            if (!Departments.Contains(holder.DepartmentId, StringComparer.Ordinal))
            {
                throw new ArgumentException($"role holder '{holder.Name}': department '{holder.DepartmentId}' is not in the network");
            }
        }

        if (RoleHolders.Select(h => h.Name).Distinct(StringComparer.Ordinal).Count() != RoleHolders.Count)
        {
            throw new ArgumentException("a role holder name is used twice");
        }
    }

    private void ValidateHosts()
    {
        ArgumentNullException.ThrowIfNull(Hosts);
        foreach (var (department, hosts) in Hosts)
        {
            if (!Departments.Contains(department, StringComparer.Ordinal))
            {
                throw new ArgumentException($"endpoint of '{department}': no such department in the network");
            }

            if (hosts.Names.Count == 0)
            {
                throw new ArgumentException($"endpoint of '{department}': no host name");
            }

            if (hosts.Names.Select(DepartmentHosts.Problem).FirstOrDefault(p => p is not null) is { } problem)
            {
                throw new ArgumentException($"endpoint of '{department}': {problem}");
            }

            if (hosts.PeerPort != 0 && hosts.PeerPort is < 1025 or > 65535)
            {
                throw new ArgumentException($"endpoint of '{department}': peer port {hosts.PeerPort} must be 1025-65535 (the client API takes the port below it)");
            }
        }

        // Sign bytes name the chain id: two networks sharing one would accept each other's
        // signed transactions. The default is for throwaway local networks; one reached beyond
        // loopback is a real network and must have an id no other network has.
        if (!IsLocal && ChainId == DefaultChainId)
        {
            var remote = Hosts.Where(h => !h.Value.IsLoopbackOnly).Select(h => $"{h.Key} ({h.Value.Names.First(n => !DepartmentHosts.IsLoopbackName(n))})").First();
            throw new ArgumentException(
                $"chain id '{DefaultChainId}' is for local networks, and this one is reached beyond loopback ({remote}): " +
                "choose a chain id of its own, one no other network uses (--chain-id, e.g. 'govchain-ministry-2027')");
        }
    }

    /// <summary>Validates, then makes every key, certificate and port, and the genesis that pins them; nothing is written.</summary>
    public GeneratedNetwork Generate()
    {
        Validate();
        Ed25519.EnsureAvailable();
        return GeneratedNetwork.Create(this);
    }

    /// <summary>The client and peer port of each department, in department order.</summary>
    internal (int Client, int Peer)[] AssignPorts()
    {
        var count = Departments.Count;
        if (BasePort != 0)
        {
            return Enumerable.Range(0, count).Select(i => Override(i, (BasePort + (10 * i), BasePort + (10 * i) + 1))).ToArray();
        }

        var ports = LoopbackPorts.TakeFree(count * 2);
        return Enumerable.Range(0, count).Select(i => Override(i, (ports[2 * i], ports[(2 * i) + 1]))).ToArray();
    }

    private (int Client, int Peer) Override(int index, (int Client, int Peer) assigned) =>
        HostsOf(Departments[index]).PeerPort is > 0 and var peer ? (peer - 1, peer) : assigned;

    private static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= 64 } && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
