using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.State;
using GovChain.Core.Transactions;
using GovChain.Protocol;

namespace GovChain.Benchmarks.Contracts;

/// <summary>A committed in-memory state for benchmarks (the authenticated store is measured elsewhere).</summary>
public sealed class BenchState : IStateReader
{
    private readonly Dictionary<byte[], byte[]> _entries = new(ByteArrayComparer.Instance);

    public byte[]? Get(ReadOnlySpan<byte> key) => _entries.TryGetValue(key.ToArray(), out var v) ? v : null;

    public void Apply(StateChanges changes)
    {
        foreach (var c in changes.Sorted())
        {
            if (c.Value is null)
            {
                _entries.Remove(c.Key);
            }
            else
            {
                _entries[c.Key] = c.Value;
            }
        }
    }
}

/// <summary>A one-department chain with the roles the benchmarks need, driven block by block.</summary>
public sealed class BenchChain : IDisposable
{
    public const string ChainId = "govchain-bench";
    private readonly List<KeyPair> _keys = [];
    private readonly Dictionary<string, ulong> _nonces = new(StringComparer.Ordinal);

    public BenchChain(params string[] registrarRoles)
    {
        Admin = Key(1);
        Registrar = Key(2);
        var genesis = new Genesis { ChainId = ChainId };
        genesis.Departments.Add(new Department { Id = "lands", ValidatorKey = ByteString.CopyFrom(Key(3).PublicKey), VotingPower = 1 });
        genesis.Roles.Add(new RoleGrant { Role = GovChain.Roles.DepartmentAdmin, Holder = ByteString.CopyFrom(Admin.PublicKey), DepartmentId = "lands" });
        foreach (var role in registrarRoles)
        {
            genesis.Roles.Add(new RoleGrant { Role = role, Holder = ByteString.CopyFrom(Registrar.PublicKey), DepartmentId = "lands" });
        }

        State.Apply(ContractEngine.InitialState(GenesisDocument.FromProto(genesis)));
    }

    public ContractEngine Engine { get; } = new();

    public BenchState State { get; } = new();

    public ulong Height { get; private set; }

    public KeyPair Admin { get; }

    public KeyPair Registrar { get; }

    public KeyPair Key(int seed)
    {
        var bytes = new byte[32];
        bytes[0] = (byte)seed;
        bytes[1] = (byte)(seed >> 8);
        bytes[2] = 0xBE;
        var key = KeyPair.FromSeed(bytes);
        _keys.Add(key);
        return key;
    }

    public BlockContext NextBlock => new(ChainId, Height + 1, 1_700_000_000_000 + ((long)Height * 1000), ByteString.Empty);

    /// <summary>Signs and verifies once, with nonces tracked ahead of the committed state.</summary>
    public VerifiedTransaction Tx(KeyPair signer, ContractCall call)
    {
        var hex = Convert.ToHexStringLower(signer.PublicKey);
        var nonce = _nonces.TryGetValue(hex, out var n) ? n : ContractEngine.NextNonce(State, signer.PublicKey);
        _nonces[hex] = nonce + 1;
        var signed = call.Sign(ChainId, signer, nonce);
        if (!TransactionVerifier.TryVerify(signed, ChainId, 1 << 20, out var verified, out _, out var reason))
        {
            throw new InvalidOperationException(reason);
        }

        return verified!;
    }

    /// <summary>Executes and commits a block whose transactions must all succeed.</summary>
    public void Commit(IReadOnlyList<VerifiedTransaction> txs)
    {
        var result = Engine.ExecuteBlock(NextBlock, txs, State);
        RequireSuccess(result);
        State.Apply(result.Changes);
        Height++;
    }

    public static void RequireSuccess(BlockExecutionResult result)
    {
        foreach (var r in result.Receipts)
        {
            if (r.Code != 0)
            {
                throw new InvalidOperationException($"benchmark set-up transaction {r.Index} failed: {(ResultCode)r.Code} {r.Message}");
            }
        }
    }

    public void Dispose()
    {
        foreach (var k in _keys)
        {
            k.Dispose();
        }
    }
}
