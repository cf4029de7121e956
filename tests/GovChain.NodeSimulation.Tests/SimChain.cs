using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Protocol;

namespace GovChain.NodeSimulation.Tests;

/// <summary>
/// The chain every node of one run shares: validator keys, the registrar and citizens who sign
/// the clients' transactions, and the genesis document. Keys are derived from fixed seeds,
/// so the same run always signs the same bytes.
/// </summary>
internal sealed class SimChain : IDisposable
{
    public const string ChainId = "govchain-nodesim";

    /// <summary>Small blocks keep a run short; the Byzantine proposals that exceed them are the point.</summary>
    public const int MaxBlockTxs = 40;
    public const int MaxBlockBytes = 512 * 1024;
    public const int MaxTxBytes = 16 * 1024;

    public SimChain(int validators, int citizens)
    {
        var genesis = new Genesis
        {
            ChainId = ChainId,
            GenesisTimeUnixMs = (SimClock.Epoch - TimeSpan.FromMinutes(1)).ToUnixTimeMilliseconds(),
            Consensus = new ConsensusParams { MaxBlockTxs = MaxBlockTxs, MaxBlockBytes = MaxBlockBytes, MaxTxBytes = MaxTxBytes },
        };
        for (var i = 0; i < validators; i++)
        {
            var key = Key(100 + i);
            ValidatorKeys.Add(key);
            genesis.Departments.Add(new Department
            {
                Id = DepartmentId(i),
                Name = $"Department {i}",
                ValidatorKey = ByteString.CopyFrom(key.PublicKey),
                VotingPower = 10,
            });
        }

        Registrar = Key(1);
        genesis.Roles.Add(new RoleGrant { Role = Roles.LandRegistrar, Holder = ByteString.CopyFrom(Registrar.PublicKey), DepartmentId = DepartmentId(0) });
        for (var i = 0; i < citizens; i++)
        {
            Citizens.Add(Key(1000 + i));
        }

        Genesis = GenesisDocument.FromProto(genesis);
    }

    public GenesisDocument Genesis { get; }

    public List<KeyPair> ValidatorKeys { get; } = [];

    public KeyPair Registrar { get; }

    public List<KeyPair> Citizens { get; } = [];

    public static string DepartmentId(int i) => $"dept-{i}";

    public static byte[] Sha(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    public void Dispose()
    {
        foreach (var key in ValidatorKeys.Concat(Citizens).Append(Registrar))
        {
            key.Dispose();
        }
    }

    private static KeyPair Key(int seed)
    {
        Span<byte> bytes = stackalloc byte[32];
        bytes[0] = (byte)(seed & 0xFF);
        bytes[1] = (byte)(seed >> 8);
        bytes[31] = 0x5A;
        return KeyPair.FromSeed(bytes);
    }
}
