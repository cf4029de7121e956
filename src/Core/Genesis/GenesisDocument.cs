using System.Security.Cryptography.X509Certificates;
using System.Text;
using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Core.Genesis;

/// <summary>
/// A validated genesis: the chain id, the founding departments (and so the first validator
/// set) and the initial role holders. Stored as protobuf JSON so operators can read it.
/// </summary>
public sealed class GenesisDocument
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithIndentation());

    private GenesisDocument(Protocol.Genesis genesis)
    {
        Proto = genesis;
        Validators = new WeightedValidatorSet(genesis.Departments.Select(d => new Validator
        {
            DepartmentId = d.Id,
            PublicKey = d.ValidatorKey,
            VotingPower = d.VotingPower,
        }));
        Hash = Hashes.Tagged(HashDomain.Genesis, genesis.ToByteArray());
        SigningChainId = SigningIdOf(genesis.ChainId, Hash);
    }

    public Protocol.Genesis Proto { get; }

    public string ChainId => Proto.ChainId;

    public WeightedValidatorSet Validators { get; }

    /// <summary>Identifies this exact genesis; peers compare it in their handshake.</summary>
    public Hash32 Hash { get; }

    /// <summary>
    /// What votes, proposals and commit certificates sign in place of the bare chain id: the
    /// chain id, '/', and the genesis hash in lowercase hex. Two networks started with the same
    /// chain id but different genesis files can then never accept each other's signatures.
    /// Headers and transactions keep the plain <see cref="ChainId"/>.
    /// </summary>
    public string SigningChainId { get; }

    public static string SigningIdOf(string chainId, in Hash32 genesisHash) => chainId + "/" + genesisHash.ToString();

    public static GenesisDocument Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new GenesisValidationException(path, [$"cannot be read: {ex.Message}"]);
        }

        return Parse(json, path);
    }

    public static GenesisDocument Parse(string json, string source = "document")
    {
        Protocol.Genesis genesis;
        try
        {
            genesis = Parser.Parse<Protocol.Genesis>(json);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            throw new GenesisValidationException(source, [$"is not valid genesis JSON: {ex.Message}"]);
        }

        return FromProto(genesis, source);
    }

    public static GenesisDocument FromProto(Protocol.Genesis genesis, string source = "document")
    {
        ArgumentNullException.ThrowIfNull(genesis);
        var problems = Validate(genesis);
        if (problems.Count > 0)
        {
            throw new GenesisValidationException(source, problems);
        }

        return new GenesisDocument(genesis.Clone());
    }

    public string ToJson() => Formatter.Format(Proto);

    public Department? FindDepartment(string id) => Proto.Departments.FirstOrDefault(d => d.Id == id);

    public Department? FindDepartmentByKey(ReadOnlySpan<byte> key)
    {
        foreach (var d in Proto.Departments)
        {
            if (d.ValidatorKey.Span.SequenceEqual(key))
            {
                return d;
            }
        }

        return null;
    }

    private static List<string> Validate(Protocol.Genesis g)
    {
        var problems = new List<string>();
        var chainIdBytes = Encoding.UTF8.GetByteCount(g.ChainId);
        if (chainIdBytes == 0 || chainIdBytes > TransactionVerifier.MaxChainIdBytes)
        {
            problems.Add($"chain_id must be 1 to {TransactionVerifier.MaxChainIdBytes} bytes");
        }

        if (g.Departments.Count == 0)
        {
            problems.Add("no departments: a network needs at least one validator");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var keys = new HashSet<Hash32>();
        for (var i = 0; i < g.Departments.Count; i++)
        {
            var d = g.Departments[i];
            var name = string.IsNullOrEmpty(d.Id) ? $"departments[{i}]" : $"department '{d.Id}'";
            if (string.IsNullOrWhiteSpace(d.Id))
            {
                problems.Add($"{name}: id is empty");
            }
            else if (!ids.Add(d.Id))
            {
                problems.Add($"{name}: id appears more than once");
            }

            if (d.ValidatorKey.Length != Ed25519.PublicKeySize)
            {
                problems.Add($"{name}: validator_key is {d.ValidatorKey.Length} bytes, an Ed25519 key is 32");
            }
            else if (!keys.Add(new Hash32(d.ValidatorKey.Span)))
            {
                problems.Add($"{name}: validator_key is used by another department");
            }

            if (d.VotingPower == 0)
            {
                problems.Add($"{name}: voting_power must be at least 1");
            }

            if (!string.IsNullOrEmpty(d.Endpoint) && !IsHostPort(d.Endpoint))
            {
                problems.Add($"{name}: endpoint '{d.Endpoint}' is not host:port");
            }

            if (d.TlsCertificate.Length > 0 && !IsCertificate(d.TlsCertificate))
            {
                problems.Add($"{name}: tls_certificate is not a DER X.509 certificate");
            }
        }

        for (var i = 0; i < g.Roles.Count; i++)
        {
            var r = g.Roles[i];
            if (string.IsNullOrWhiteSpace(r.Role))
            {
                problems.Add($"roles[{i}]: role is empty");
            }

            if (r.Holder.Length != Ed25519.PublicKeySize)
            {
                problems.Add($"roles[{i}] ({r.Role}): holder is {r.Holder.Length} bytes, an Ed25519 key is 32");
            }

            if (!ids.Contains(r.DepartmentId))
            {
                problems.Add($"roles[{i}] ({r.Role}): department '{r.DepartmentId}' is not a genesis department");
            }
        }

        return problems;
    }

    private static bool IsHostPort(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon > 0 && ushort.TryParse(endpoint.AsSpan(colon + 1), out var port) && port > 0;
    }

    private static bool IsCertificate(ByteString der)
    {
        try
        {
            using var cert = X509CertificateLoader.LoadCertificate(der.Span);
            return true;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
