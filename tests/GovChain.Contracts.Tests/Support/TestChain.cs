using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using GovChain.Protocol.SystemContract;

namespace GovChain.Contracts.Tests.Support;

/// <summary>
/// A chain driven block by block in memory: genesis with departments "dept-0".."dept-{n-1}",
/// each with a validator key and one admin, plus the role holders the tests need.
/// </summary>
public sealed class TestChain : IDisposable
{
    public const string ChainId = "govchain-test";

    private readonly List<KeyPair> _owned = [];

    public TestChain(int departments = 1, EngineOptions? options = null, Action<Genesis, TestChain>? customize = null)
    {
        Engine = new ContractEngine(options);
        var genesis = new Genesis { ChainId = ChainId, GenesisTimeUnixMs = 1_700_000_000_000 };
        for (var i = 0; i < departments; i++)
        {
            var validator = Key(100 + i);
            var admin = Key(200 + i);
            Validators.Add(validator);
            Admins.Add(admin);
            genesis.Departments.Add(new Department
            {
                Id = DepartmentId(i),
                Name = $"Department {i}",
                ValidatorKey = ByteString.CopyFrom(validator.PublicKey),
                VotingPower = 10,
            });
            genesis.Roles.Add(Grant(Roles.DepartmentAdmin, admin, DepartmentId(i)));
        }

        Registrar = Key(1);
        Bank = Key(2);
        Issuer = Key(3);
        Officer = Key(4);
        Inspector = Key(5);
        genesis.Roles.Add(Grant(Roles.LandRegistrar, Registrar, DepartmentId(0)));
        genesis.Roles.Add(Grant(Roles.LandBank, Bank, DepartmentId(0)));
        genesis.Roles.Add(Grant(Roles.IdentityIssuer, Issuer, DepartmentId(0)));
        genesis.Roles.Add(Grant(Roles.ProcurementOfficer, Officer, DepartmentId(0)));
        genesis.Roles.Add(Grant(Roles.ProcurementInspector, Inspector, DepartmentId(0)));
        customize?.Invoke(genesis, this);
        Genesis = GenesisDocument.FromProto(genesis);
        State.Apply(ContractEngine.InitialState(Genesis));
    }

    public ContractEngine Engine { get; }

    public GenesisDocument Genesis { get; }

    public MemoryState State { get; } = new();

    public ulong Height { get; private set; }

    public List<KeyPair> Validators { get; } = [];

    public List<KeyPair> Admins { get; } = [];

    public KeyPair Registrar { get; }

    public KeyPair Bank { get; }

    public KeyPair Issuer { get; }

    public KeyPair Officer { get; }

    public KeyPair Inspector { get; }

    public static string DepartmentId(int i) => $"dept-{i}";

    public static RoleGrant Grant(string role, KeyPair holder, string department) =>
        new() { Role = role, Holder = ByteString.CopyFrom(holder.PublicKey), DepartmentId = department };

    /// <summary>A deterministic key, owned (and disposed) by this chain.</summary>
    public KeyPair Key(int seed)
    {
        var bytes = new byte[32];
        bytes[0] = (byte)(seed & 0xFF);
        bytes[1] = (byte)(seed >> 8);
        bytes[31] = 0x5A;
        var key = KeyPair.FromSeed(bytes);
        _owned.Add(key);
        return key;
    }

    public BlockContext NextBlock() => new(ChainId, Height + 1, 1_700_000_000_000 + ((long)(Height + 1) * 1000), ByteString.CopyFrom(Validators[0].PublicKey));

    /// <summary>Signs and verifies a call; the nonce defaults to the sender's next one in the committed state.</summary>
    public VerifiedTransaction Tx(KeyPair signer, ContractCall call, ulong? nonce = null, ulong maxSteps = 0, string chainId = ChainId)
    {
        var n = nonce ?? ContractEngine.NextNonce(State, signer.PublicKey);
        return Verify(call.Sign(chainId, signer, n, maxSteps), chainId);
    }

    /// <summary>A transaction whose argument bytes are given raw, to send what no builder would.</summary>
    public VerifiedTransaction RawTx(KeyPair signer, string contract, string method, ByteString args)
    {
        var body = new TransactionBody
        {
            ChainId = ChainId,
            Sender = ByteString.CopyFrom(signer.PublicKey),
            Nonce = ContractEngine.NextNonce(State, signer.PublicKey),
            Contract = contract,
            Method = method,
            Args = args,
        };
        return Verify(TransactionCodec.Sign(body, signer));
    }

    public static VerifiedTransaction Verify(SignedTransaction signed, string chainId = ChainId)
    {
        if (!TransactionVerifier.TryVerify(signed, chainId, 1 << 20, out var verified, out _, out var reason))
        {
            throw new InvalidOperationException("test transaction did not verify: " + reason);
        }

        return verified!;
    }

    /// <summary>Every block executed so far, with the encoded receipts it produced.</summary>
    public List<(BlockContext Block, VerifiedTransaction[] Txs, ByteString[] Receipts)> Log { get; } = [];

    /// <summary>Executes one block and commits its changes.</summary>
    public BlockExecutionResult Block(params VerifiedTransaction[] txs)
    {
        var context = NextBlock();
        var result = Engine.ExecuteBlock(context, txs, State);
        State.Apply(result.Changes);
        Height++;
        Log.Add((context, txs, result.Receipts.Select(r => r.ToByteString()).ToArray()));
        return result;
    }

    /// <summary>
    /// Replays the whole log from genesis on a fresh engine: every receipt must be
    /// byte-identical and the final state must have the same root.
    /// </summary>
    public void AssertReplayIsIdentical()
    {
        var engine = new ContractEngine(Engine.Options);
        var state = new MemoryState();
        state.Apply(ContractEngine.InitialState(Genesis));
        foreach (var (block, txs, receipts) in Log)
        {
            var result = engine.ExecuteBlock(block, txs, state);
            Assert.Equal(receipts, result.Receipts.Select(r => r.ToByteString()));
            state.Apply(result.Changes);
        }

        Assert.Equal(State.Root(), state.Root());
    }

    /// <summary>Executes one call in its own block and returns its receipt.</summary>
    public Receipt Run(KeyPair signer, ContractCall call, ulong maxSteps = 0) => Block(Tx(signer, call, maxSteps: maxSteps)).Receipts[0];

    /// <summary>Runs a call that must succeed.</summary>
    public Receipt Ok(KeyPair signer, ContractCall call)
    {
        var receipt = Run(signer, call);
        Assert.True(receipt.Code == 0, $"{call.Contract}.{call.Method} failed: {(ResultCode)receipt.Code} {receipt.Message}");
        return receipt;
    }

    /// <summary>Runs a call that must fail with <paramref name="code"/>, and checks that only the nonce changed.</summary>
    public Receipt Fails(ResultCode code, KeyPair signer, ContractCall call) => Fails(code, signer, Tx(signer, call));

    /// <summary>Executes <paramref name="tx"/> of <paramref name="signer"/>, which must fail with <paramref name="code"/> changing only the nonce.</summary>
    public Receipt Fails(ResultCode code, KeyPair signer, VerifiedTransaction tx)
    {
        var before = State.Clone();
        var result = Block(tx);
        var receipt = result.Receipts[0];
        Assert.True((ResultCode)receipt.Code == code, $"expected {code}, got {(ResultCode)receipt.Code}: {receipt.Message}");
        Assert.NotEmpty(receipt.Message);
        Assert.Empty(receipt.Events);
        var changed = result.Changes.Sorted().Select(c => System.Text.Encoding.UTF8.GetString(c.Key)).ToArray();
        Assert.Equal(["nonce/" + Convert.ToHexStringLower(signer.PublicKey)], changed);
        Assert.Equal(before.Count + (ContractEngine.NextNonce(before, signer.PublicKey) == 1 ? 1 : 0), State.Count);
        return receipt;
    }

    public T Query<T>(ContractQuery query, MessageParser<T> parser)
        where T : IMessage<T>
    {
        var result = Engine.Query(State, query.Contract, query.Method, query.EncodedArgs);
        Assert.True(result.IsSuccess, $"query {query.Method} failed: {result.Code} {result.Message}");
        return parser.ParseFrom(result.Result);
    }

    public QueryResult RawQuery(ContractQuery query) => Engine.Query(State, query.Contract, query.Method, query.EncodedArgs);

    /// <summary>Has every department admin approve until the proposal executes; returns its id.</summary>
    public ulong Govern(GovernanceAction action)
    {
        var receipt = Ok(Admins[0], SystemCalls.Propose(DepartmentId(0), action));
        var outcome = ProposalOutcome.Parser.ParseFrom(receipt.Result);
        for (var i = 1; !outcome.Executed && i < Admins.Count; i++)
        {
            receipt = Ok(Admins[i], SystemCalls.Approve(outcome.ProposalId, DepartmentId(i)));
            outcome = ProposalOutcome.Parser.ParseFrom(receipt.Result);
        }

        Assert.True(outcome.Executed);
        return outcome.ProposalId;
    }

    public void Dispose()
    {
        foreach (var key in _owned)
        {
            key.Dispose();
        }
    }
}
