using GovChain.Contracts.Engine;
using GovChain.Contracts.Registry;
using GovChain.Contracts.Tests.Support;
using GovChain.Core.Crypto;
using GovChain.Protocol.Registry;

namespace GovChain.Contracts.Tests;

public sealed class RegistryContractTests : IDisposable
{
    private readonly TestChain _chain = new(departments: 3);
    private readonly KeyPair _dealer;
    private readonly KeyPair _owner;
    private readonly KeyPair _buyer;

    public RegistryContractTests()
    {
        _dealer = _chain.Key(50);
        _owner = _chain.Key(51);
        _buyer = _chain.Key(52);
        _chain.Govern(SystemCalls.GrantRole("vehicles.clerk", _dealer.PublicKey, "dept-0"));
        _chain.Govern(SystemCalls.DeployRegistryType(VehicleTitle()));
    }

    public void Dispose() => _chain.Dispose();

    /// <summary>A vehicle title: a clerk registers it, the owner may sell it, a clerk may scrap it.</summary>
    public static RegistryTypeDefinition VehicleTitle()
    {
        var d = new RegistryTypeDefinition { Name = "vehicle_title", Description = "Road vehicle titles", OwnerField = "owner" };
        d.Fields.Add(new RegistryFieldDefinition { Name = "vin", Type = RegistryFieldType.String, Required = true, MaxLength = 17 });
        d.Fields.Add(new RegistryFieldDefinition { Name = "owner", Type = RegistryFieldType.PublicKey, Required = true });
        d.Fields.Add(new RegistryFieldDefinition { Name = "mileage", Type = RegistryFieldType.Uint64 });
        d.States.Add("active");
        d.States.Add("scrapped");
        d.Transitions.Add(Transition("register", [], "active", ["vehicles.clerk"], false, "vin", "owner", "mileage"));
        d.Transitions.Add(Transition("sell", ["active"], "active", [], true, "owner", "mileage"));
        d.Transitions.Add(Transition("scrap", ["active"], "scrapped", ["vehicles.clerk"], false));
        return d;
    }

    private static RegistryTransitionDefinition Transition(string name, string[] from, string to, string[] roles, bool allowOwner, params string[] fields)
    {
        var t = new RegistryTransitionDefinition { Name = name, ToState = to, AllowOwner = allowOwner };
        t.FromStates.AddRange(from);
        t.Roles.AddRange(roles);
        t.SetFields.AddRange(fields);
        return t;
    }

    private RegistryRecord Record(string id) => _chain.Query(RegistryCalls.GetRecord("vehicle_title", id), RegistryRecord.Parser);

    private ContractCall Register(string id, string vin = "WVWZZZ1JZXW000001") =>
        RegistryCalls.Apply("vehicle_title", id, "register", RegistryCalls.Text("vin", vin), RegistryCalls.Bytes("owner", _owner.PublicKey), RegistryCalls.Number("mileage", 10));

    [Fact]
    public void VehicleTitle_RegisterSellScrap_FollowsTheDeployedLifecycle()
    {
        var deployed = _chain.Query(RegistryCalls.GetRecordType("vehicle_title"), RegistryTypeRecord.Parser);
        Assert.Equal("dept-0", deployed.DepartmentId);

        _chain.Ok(_dealer, Register("CAR-1"));
        _chain.Ok(_owner, RegistryCalls.Apply("vehicle_title", "CAR-1", "sell", RegistryCalls.Bytes("owner", _buyer.PublicKey), RegistryCalls.Number("mileage", 5000)));
        var sold = Record("CAR-1");
        Assert.Equal(["mileage", "owner", "vin"], sold.Fields.Select(f => f.Name));
        Assert.True(sold.Fields[1].BytesValue.Span.SequenceEqual(_buyer.PublicKey));
        Assert.Equal(2ul, sold.Version);

        _chain.Fails(ResultCode.Unauthorized, _owner, RegistryCalls.Apply("vehicle_title", "CAR-1", "sell", RegistryCalls.Bytes("owner", _owner.PublicKey)));
        var scrap = _chain.Ok(_dealer, RegistryCalls.Apply("vehicle_title", "CAR-1", "scrap"));

        Assert.Equal("scrapped", Record("CAR-1").State);
        Assert.Equal("record_transition", Assert.Single(scrap.Events).Name);
        _chain.Fails(ResultCode.InvalidState, _buyer, RegistryCalls.Apply("vehicle_title", "CAR-1", "sell", RegistryCalls.Bytes("owner", _owner.PublicKey)));

        _chain.AssertReplayIsIdentical();
    }

    [Fact]
    public void Apply_WithoutRole_IsUnauthorized()
    {
        _chain.Fails(ResultCode.Unauthorized, _owner, Register("CAR-2"));
        _chain.Fails(ResultCode.Unauthorized, _chain.Registrar, Register("CAR-2"));
    }

    [Fact]
    public void Apply_FieldNotSettableByTransition_IsRefused()
    {
        _chain.Ok(_dealer, Register("CAR-3"));

        _chain.Fails(ResultCode.Unauthorized, _owner, RegistryCalls.Apply("vehicle_title", "CAR-3", "sell", RegistryCalls.Text("vin", "FORGED")));
        Assert.Equal("WVWZZZ1JZXW000001", Record("CAR-3").Fields.Single(f => f.Name == "vin").StringValue);
    }

    [Fact]
    public void Apply_MissingRequiredOrWrongTypeOrTooLong_IsInvalidArgument()
    {
        _chain.Fails(ResultCode.InvalidArgument, _dealer, RegistryCalls.Apply("vehicle_title", "CAR-4", "register", RegistryCalls.Text("vin", "X")));
        _chain.Fails(ResultCode.InvalidArgument, _dealer, RegistryCalls.Apply("vehicle_title", "CAR-4", "register",
            RegistryCalls.Text("vin", "X"), RegistryCalls.Text("owner", "not a key")));
        _chain.Fails(ResultCode.InvalidArgument, _dealer, Register("CAR-4", vin: new string('V', 18)));
        _chain.Fails(ResultCode.InvalidArgument, _dealer, RegistryCalls.Apply("vehicle_title", "CAR-4", "teleport"));
        _chain.Fails(ResultCode.NotFound, _dealer, RegistryCalls.Apply("boat_title", "B-1", "register"));
    }

    [Fact]
    public void Apply_CreateTwice_IsAlreadyExists()
    {
        _chain.Ok(_dealer, Register("CAR-5"));

        _chain.Fails(ResultCode.AlreadyExists, _dealer, Register("CAR-5"));
    }

    [Fact]
    public void Deploy_SameTypeAgain_IsRefusedOnExecution()
    {
        var id = ProposalOutcomeOf(_chain.Ok(_chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.DeployRegistryType(VehicleTitle()))));
        _chain.Ok(_chain.Admins[1], SystemCalls.Approve(id, "dept-1"));

        _chain.Fails(ResultCode.AlreadyExists, _chain.Admins[2], SystemCalls.Approve(id, "dept-2"));
    }

    [Fact]
    public void Deploy_InvalidDefinition_IsRefusedAtProposal()
    {
        var bad = VehicleTitle();
        bad.Transitions[1].ToState = "stolen";
        bad.Fields.Add(new RegistryFieldDefinition { Name = "vin", Type = RegistryFieldType.Bool });

        var receipt = _chain.Fails(ResultCode.InvalidArgument, _chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.DeployRegistryType(bad)));

        Assert.Contains("stolen", receipt.Message, StringComparison.Ordinal);
        Assert.Contains("defined twice", receipt.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FindsEveryKindOfProblem()
    {
        Assert.Empty(RegistryDefinitions.Validate(VehicleTitle()));

        var noCreate = VehicleTitle();
        noCreate.Transitions.RemoveAt(0);
        Assert.Contains(RegistryDefinitions.Validate(noCreate), p => p.Contains("creates records", StringComparison.Ordinal));

        var ownerCreates = VehicleTitle();
        ownerCreates.Transitions[0].AllowOwner = true;
        Assert.Contains(RegistryDefinitions.Validate(ownerCreates), p => p.Contains("creating transition", StringComparison.Ordinal));

        var badOwner = VehicleTitle();
        badOwner.OwnerField = "vin";
        Assert.Contains(RegistryDefinitions.Validate(badOwner), p => p.Contains("owner_field", StringComparison.Ordinal));

        var unknownField = VehicleTitle();
        unknownField.Transitions[2].SetFields.Add("colour");
        Assert.Contains(RegistryDefinitions.Validate(unknownField), p => p.Contains("colour", StringComparison.Ordinal));

        var badName = VehicleTitle();
        badName.Name = "Vehicle Title";
        Assert.Contains(RegistryDefinitions.Validate(badName), p => p.Contains("type name", StringComparison.Ordinal));

        var untyped = VehicleTitle();
        untyped.Fields[2].Type = RegistryFieldType.Unspecified;
        Assert.Contains(RegistryDefinitions.Validate(untyped), p => p.Contains("no valid type", StringComparison.Ordinal));

        Assert.NotEmpty(RegistryDefinitions.Validate(null));
    }

    private static ulong ProposalOutcomeOf(Protocol.Receipt receipt) =>
        Protocol.SystemContract.ProposalOutcome.Parser.ParseFrom(receipt.Result).ProposalId;
}
