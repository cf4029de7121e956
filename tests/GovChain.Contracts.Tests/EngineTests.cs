using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Contracts.Tests.Support;
using GovChain.Core.Genesis;
using GovChain.Protocol;
using GovChain.Protocol.Land;

namespace GovChain.Contracts.Tests;

public sealed class EngineTests : IDisposable
{
    private static readonly byte[] Hash = Enumerable.Repeat((byte)7, 32).ToArray();
    private readonly TestChain _chain = new();

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void ExecuteBlock_ReplayedNonce_FailsWithoutEffect()
    {
        var call = LandCalls.RegisterParcel("P-1", _chain.Registrar.PublicKey, Hash, 500);
        var tx = _chain.Tx(_chain.Registrar, call);
        Assert.Equal(0u, _chain.Block(tx).Receipts[0].Code);
        var before = _chain.State.Root();

        var replay = _chain.Block(tx);

        Assert.Equal((uint)ResultCode.BadNonce, replay.Receipts[0].Code);
        Assert.Contains("nonce 1", replay.Receipts[0].Message, StringComparison.Ordinal);
        Assert.Equal(0, replay.Changes.Count);
        Assert.Equal(before, _chain.State.Root());
    }

    [Fact]
    public void ExecuteBlock_NonceGap_IsRefused()
    {
        var tx = _chain.Tx(_chain.Registrar, LandCalls.RegisterParcel("P-1", _chain.Registrar.PublicKey, Hash, 1), nonce: 2);

        var result = _chain.Block(tx);

        Assert.Equal((uint)ResultCode.BadNonce, result.Receipts[0].Code);
        Assert.Equal(1ul, ContractEngine.NextNonce(_chain.State, _chain.Registrar.PublicKey));
    }

    [Fact]
    public void ExecuteBlock_SameTransactionTwiceInOneBlock_SecondIsReplay()
    {
        var tx = _chain.Tx(_chain.Registrar, LandCalls.RegisterParcel("P-1", _chain.Registrar.PublicKey, Hash, 1));

        var result = _chain.Block(tx, tx);

        Assert.Equal(0u, result.Receipts[0].Code);
        Assert.Equal((uint)ResultCode.BadNonce, result.Receipts[1].Code);
        Assert.Equal([0u, 1u], result.Receipts.Select(r => r.Index));
        Assert.All(result.Receipts, r => Assert.Equal(1ul, r.Height));
    }

    [Fact]
    public void ExecuteBlock_ConsecutiveNoncesInOneBlock_AllSucceed()
    {
        var a = _chain.Tx(_chain.Registrar, LandCalls.RegisterParcel("P-1", _chain.Registrar.PublicKey, Hash, 1), nonce: 1);
        var b = _chain.Tx(_chain.Registrar, LandCalls.RegisterParcel("P-2", _chain.Registrar.PublicKey, Hash, 1), nonce: 2);

        var result = _chain.Block(a, b);

        Assert.All(result.Receipts, r => Assert.Equal(0u, r.Code));
        Assert.Equal(3ul, ContractEngine.NextNonce(_chain.State, _chain.Registrar.PublicKey));
    }

    [Fact]
    public void ExecuteBlock_WrongChain_ChangesNothingNotEvenTheNonce()
    {
        var tx = _chain.Tx(_chain.Registrar, LandCalls.RegisterParcel("P-1", _chain.Registrar.PublicKey, Hash, 1), chainId: "other-chain");

        var result = _chain.Block(tx);

        Assert.Equal((uint)ResultCode.WrongChain, result.Receipts[0].Code);
        Assert.Equal(0, result.Changes.Count);
    }

    [Fact]
    public void ExecuteBlock_UnknownContract_FailsAndConsumesNonce()
    {
        var receipt = _chain.Fails(ResultCode.UnknownContract, _chain.Registrar, new ContractCall("bank", "pay", new GetParcelArgs()));

        Assert.Contains("bank", receipt.Message, StringComparison.Ordinal);
        Assert.Equal(2ul, ContractEngine.NextNonce(_chain.State, _chain.Registrar.PublicKey));
    }

    [Fact]
    public void ExecuteBlock_UnknownMethod_Fails()
    {
        var receipt = _chain.Fails(ResultCode.UnknownMethod, _chain.Registrar, new ContractCall(ContractNames.Land, "burn_parcel", new GetParcelArgs { ParcelId = "P-1" }));

        Assert.Contains("burn_parcel", receipt.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecuteBlock_QueryMethodAsTransaction_IsUnknownMethod()
    {
        _chain.Fails(ResultCode.UnknownMethod, _chain.Registrar, LandCallsAsTx(LandCalls.GetParcel("P-1")));
    }

    [Fact]
    public void ExecuteBlock_MalformedArgs_FailsWithoutCrash()
    {
        var tx = _chain.RawTx(_chain.Registrar, ContractNames.Land, LandMethods.RegisterParcel, ByteString.CopyFrom(0x0A, 0xFF, 0xFF, 0xFF, 0x0F));

        var receipt = _chain.Fails(ResultCode.MalformedArgs, _chain.Registrar, tx);

        Assert.Contains("RegisterParcelArgs", receipt.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecuteBlock_BudgetExceeded_EndsCallWithoutEffect()
    {
        var before = _chain.State.Count;
        var tx = _chain.Tx(_chain.Registrar, LandCalls.RegisterParcel("P-1", _chain.Registrar.PublicKey, Hash, 1), maxSteps: 1_500);

        var result = _chain.Block(tx);

        var receipt = result.Receipts[0];
        Assert.Equal((uint)ResultCode.OutOfSteps, receipt.Code);
        Assert.Equal(1_500ul, receipt.StepsUsed);
        Assert.Equal(1, result.Changes.Count);
        Assert.Equal(before + 1, _chain.State.Count);
        Assert.False(_chain.RawQuery(LandCalls.GetParcel("P-1")).IsSuccess);
    }

    [Fact]
    public void ExecuteBlock_StepsRequestedAboveCap_AreCapped()
    {
        using var chain = new TestChain(options: new EngineOptions { MaxStepsPerTransaction = 2_000, DefaultStepsPerTransaction = 2_000 });
        var tx = chain.Tx(chain.Registrar, LandCalls.RegisterParcel("P-1", chain.Registrar.PublicKey, Hash, 1), maxSteps: ulong.MaxValue);

        var receipt = chain.Block(tx).Receipts[0];

        Assert.Equal((uint)ResultCode.OutOfSteps, receipt.Code);
        Assert.Equal(2_000ul, receipt.StepsUsed);
    }

    [Fact]
    public void ExecuteBlock_Success_ReportsStepsEventsAndHeight()
    {
        var receipt = _chain.Ok(_chain.Registrar, LandCalls.RegisterParcel("P-1", _chain.Registrar.PublicKey, Hash, 1));

        Assert.InRange(receipt.StepsUsed, StepCosts.CallBase + 1, _chain.Engine.Options.DefaultStepsPerTransaction);
        var e = Assert.Single(receipt.Events);
        Assert.Equal(ContractNames.Land, e.Contract);
        Assert.Equal("parcel_registered", e.Name);
        Assert.Equal(1ul, receipt.Height);
        Assert.Equal(32, receipt.TxId.Length);
    }

    [Fact]
    public void ExecuteBlock_DoesNotWriteToTheCommittedReader()
    {
        var before = _chain.State.Root();
        var tx = _chain.Tx(_chain.Registrar, LandCalls.RegisterParcel("P-1", _chain.Registrar.PublicKey, Hash, 1));

        var result = _chain.Engine.ExecuteBlock(_chain.NextBlock(), [tx], _chain.State);

        Assert.True(result.Changes.Count > 0);
        Assert.Equal(before, _chain.State.Root());
    }

    [Fact]
    public void ExecuteBlock_SameBlockOnTwoEngines_GivesIdenticalReceiptsAndChanges()
    {
        var txs = new[]
        {
            _chain.Tx(_chain.Registrar, LandCalls.RegisterParcel("P-1", _chain.Registrar.PublicKey, Hash, 1), nonce: 1),
            _chain.Tx(_chain.Registrar, LandCalls.OfferTransfer("P-1", _chain.Bank.PublicKey, 10), nonce: 2),
            _chain.Tx(_chain.Bank, LandCalls.AcceptTransfer("P-1"), nonce: 1),
            _chain.Tx(_chain.Bank, LandCalls.AcceptTransfer("P-1"), nonce: 2),
        };

        var a = new ContractEngine().ExecuteBlock(_chain.NextBlock(), txs, _chain.State.Clone());
        var b = new ContractEngine().ExecuteBlock(_chain.NextBlock(), txs, _chain.State.Clone());

        Assert.Equal(a.Receipts.Select(r => r.ToByteString()), b.Receipts.Select(r => r.ToByteString()));
        Assert.Equal(MemoryState.RootOf(a.Changes), MemoryState.RootOf(b.Changes));
        Assert.Equal([0u, 0u, 0u, (uint)ResultCode.InvalidState], a.Receipts.Select(r => r.Code));
    }

    [Fact]
    public void Query_ReadsWithoutWriting()
    {
        _chain.Ok(_chain.Registrar, LandCalls.RegisterParcel("P-1", _chain.Bank.PublicKey, Hash, 42));
        var before = _chain.State.Root();

        var parcel = _chain.Query(LandCalls.GetParcel("P-1"), Parcel.Parser);

        Assert.Equal(42ul, parcel.AreaM2);
        Assert.Equal(before, _chain.State.Root());
    }

    [Fact]
    public void Query_UnknownContractMethodOrMissingRecord_GiveTypedErrors()
    {
        Assert.Equal(ResultCode.UnknownContract, _chain.Engine.Query(_chain.State, "nope", "x", ByteString.Empty).Code);
        Assert.Equal(ResultCode.UnknownMethod, _chain.Engine.Query(_chain.State, ContractNames.Land, LandMethods.RegisterParcel, ByteString.Empty).Code);
        Assert.Equal(ResultCode.NotFound, _chain.RawQuery(LandCalls.GetParcel("P-9")).Code);
        Assert.Equal(ResultCode.MalformedArgs, _chain.Engine.Query(_chain.State, ContractNames.Land, LandMethods.GetParcel, ByteString.CopyFrom(0x0A, 0x05)).Code);
    }

    [Fact]
    public void RecordKeys_NameTheStoredRecords()
    {
        _chain.Ok(_chain.Registrar, LandCalls.RegisterParcel("P-1", _chain.Bank.PublicKey, Hash, 42));

        var parcel = Parcel.Parser.ParseFrom(_chain.State.Get(RecordKeys.Parcel("P-1")));
        var history = ParcelHistoryEntry.Parser.ParseFrom(_chain.State.Get(RecordKeys.ParcelHistory("P-1", 0)));
        var grant = RoleGrant.Parser.ParseFrom(_chain.State.Get(RecordKeys.RoleGrant(Roles.LandRegistrar, _chain.Registrar.PublicKey)));

        Assert.Equal(42ul, parcel.AreaM2);
        Assert.Equal(ParcelHistoryKind.Registered, history.Kind);
        Assert.Equal("dept-0", grant.DepartmentId);
        Assert.Equal(StateKeysText("nonce/" + Convert.ToHexStringLower(_chain.Registrar.PublicKey)), RecordKeys.Nonce(_chain.Registrar.PublicKey));
        Assert.Null(_chain.State.Get(RecordKeys.Parcel("P-2")));
    }

    [Fact]
    public void LatestValidatorUpdate_AfterGenesis_IsTheGenesisSetFromHeightOne()
    {
        var update = ContractEngine.LatestValidatorUpdate(_chain.State);

        Assert.NotNull(update);
        Assert.Equal(1ul, update.EffectiveFromHeight);
        Assert.Equal(_chain.Genesis.Validators.Hash, update.Validators.Hash);
    }

    [Fact]
    public void NextNonce_UnknownSender_IsOne()
    {
        Assert.Equal(1ul, ContractEngine.NextNonce(_chain.State, new byte[32]));
    }

    [Fact]
    public void InitialState_SeedsDepartmentsAndRoles()
    {
        using var chain = new TestChain(departments: 3);

        var listing = chain.Query(SystemCalls.ListDepartments(), Protocol.SystemContract.DepartmentListing.Parser);
        var check = chain.Query(SystemCalls.HasRole(Roles.LandRegistrar, chain.Registrar.PublicKey), Protocol.SystemContract.RoleCheck.Parser);
        var validators = chain.Query(SystemCalls.GetValidators(), ValidatorSet.Parser);

        Assert.Equal(["dept-0", "dept-1", "dept-2"], listing.Departments.Select(d => d.Id));
        Assert.True(check.Granted);
        Assert.Equal("dept-0", check.DepartmentId);
        Assert.Equal(chain.Genesis.Validators.ToProto(), validators);
    }

    [Fact]
    public void InitialState_InvalidRoleName_IsAGenesisError()
    {
        var ex = Assert.Throws<GenesisValidationException>(() => new TestChain(customize: (g, c) =>
            g.Roles.Add(TestChain.Grant("Land Registrar!", c.Key(50), "dept-0"))));

        Assert.Contains(ex.Problems, p => p.Contains("Land Registrar!", StringComparison.Ordinal));
    }

    private static byte[] StateKeysText(string key) => System.Text.Encoding.ASCII.GetBytes(key);

    private static ContractCall LandCallsAsTx(ContractQuery query) => new(query.Contract, query.Method, query.Args);
}
