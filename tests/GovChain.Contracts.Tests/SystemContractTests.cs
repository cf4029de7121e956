using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Contracts.SystemContract;
using GovChain.Contracts.Tests.Support;
using GovChain.Protocol;
using GovChain.Protocol.SystemContract;

namespace GovChain.Contracts.Tests;

public sealed class SystemContractTests : IDisposable
{
    private readonly TestChain _chain = new(departments: 4);

    public void Dispose() => _chain.Dispose();

    private ProposalOutcome Outcome(Receipt receipt) => ProposalOutcome.Parser.ParseFrom(receipt.Result);

    private RoleCheck HasRole(string role, ReadOnlySpan<byte> holder) =>
        _chain.Query(SystemCalls.HasRole(role, holder), RoleCheck.Parser);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(4, 3)]
    [InlineData(6, 5)]
    [InlineData(7, 5)]
    public void RequiredApprovals_IsSmallestCountAboveTwoThirds(int departments, uint required)
    {
        Assert.Equal(required, SystemCalls.RequiredApprovals(departments));
        Assert.True(required * 3 > departments * 2);
        Assert.False((required - 1) * 3 > departments * 2);
    }

    [Fact]
    public void GrantRole_ExecutesOnlyWhenMoreThanTwoThirdsApprove()
    {
        var newcomer = _chain.Key(40);
        var proposal = Outcome(_chain.Ok(_chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.GrantRole(Roles.Auditor, newcomer.PublicKey, "dept-0"), "audit access")));
        Assert.Equal(1u, proposal.Approvals);
        Assert.Equal(3u, proposal.Required);

        var second = Outcome(_chain.Ok(_chain.Admins[1], SystemCalls.Approve(proposal.ProposalId, "dept-1")));
        Assert.False(second.Executed);
        Assert.False(HasRole(Roles.Auditor, newcomer.PublicKey).Granted);

        var third = _chain.Ok(_chain.Admins[2], SystemCalls.Approve(proposal.ProposalId, "dept-2"));

        Assert.True(Outcome(third).Executed);
        Assert.True(HasRole(Roles.Auditor, newcomer.PublicKey).Granted);
        Assert.Contains(third.Events, e => e.Name == "role_granted");
        var stored = _chain.Query(SystemCalls.GetProposal(proposal.ProposalId), GovernanceProposal.Parser);
        Assert.Equal(GovernanceProposalStatus.Executed, stored.Status);
        Assert.Equal(["dept-0", "dept-1", "dept-2"], stored.Approvals);
        _chain.Fails(ResultCode.InvalidState, _chain.Admins[3], SystemCalls.Approve(proposal.ProposalId, "dept-3"));
    }

    [Fact]
    public void Propose_ByNonAdmin_IsUnauthorized()
    {
        var action = SystemCalls.GrantRole(Roles.LandRegistrar, _chain.Key(41).PublicKey, "dept-0");

        _chain.Fails(ResultCode.Unauthorized, _chain.Registrar, SystemCalls.Propose("dept-0", action));
        _chain.Fails(ResultCode.Unauthorized, _chain.Admins[1], SystemCalls.Propose("dept-0", action));
    }

    [Fact]
    public void Approve_TwiceBySameDepartment_OrForAnotherDepartment_IsRefused()
    {
        var id = Outcome(_chain.Ok(_chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.RevokeRole(Roles.LandBank, _chain.Bank.PublicKey)))).ProposalId;

        _chain.Fails(ResultCode.AlreadyExists, _chain.Admins[0], SystemCalls.Approve(id, "dept-0"));
        _chain.Fails(ResultCode.Unauthorized, _chain.Admins[0], SystemCalls.Approve(id, "dept-1"));
        _chain.Fails(ResultCode.NotFound, _chain.Admins[1], SystemCalls.Approve(id + 10, "dept-1"));
    }

    [Fact]
    public void Approve_AfterExpiry_IsTooLate()
    {
        var id = Outcome(_chain.Ok(_chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.SetVotingPower("dept-1", 5), expiresAfterBlocks: 1))).ProposalId;
        _chain.Block();

        _chain.Fails(ResultCode.TooLate, _chain.Admins[1], SystemCalls.Approve(id, "dept-1"));
    }

    [Fact]
    public void SetVotingPower_Executed_HandsConsensusAnUpdateEffectiveTwoBlocksLater()
    {
        var id = Outcome(_chain.Ok(_chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.SetVotingPower("dept-3", 40)))).ProposalId;
        var second = _chain.Block(_chain.Tx(_chain.Admins[1], SystemCalls.Approve(id, "dept-1")));
        Assert.Null(second.ValidatorUpdate);

        var third = _chain.Block(_chain.Tx(_chain.Admins[2], SystemCalls.Approve(id, "dept-2")));

        var update = Assert.IsType<ValidatorSetUpdate>(third.ValidatorUpdate);
        Assert.Equal(_chain.Height + 2, update.EffectiveFromHeight);
        Assert.Equal(70ul, update.Validators.TotalPower);
        Assert.True(update.Validators.TryGetIndex(_chain.Validators[3].PublicKey, out var index));
        Assert.Equal(40ul, update.Validators[index].VotingPower);
    }

    [Fact]
    public void FailedApprovalTransaction_DoesNotChangeValidators()
    {
        var id = Outcome(_chain.Ok(_chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.SetVotingPower("dept-3", 40)))).ProposalId;

        var result = _chain.Block(_chain.Tx(_chain.Registrar, SystemCalls.Approve(id, "dept-1")));

        Assert.Equal((uint)ResultCode.Unauthorized, result.Receipts[0].Code);
        Assert.Null(result.ValidatorUpdate);
    }

    [Fact]
    public void AddDepartment_AddsValidatorAndAdmin_RemoveDepartment_RevokesItsRoles()
    {
        using var chain = new TestChain(departments: 1);
        var validator = chain.Key(42);
        var admin = chain.Key(43);
        var department = new Department { Id = "justice", Name = "Ministry of Justice", ValidatorKey = ByteString.CopyFrom(validator.PublicKey), VotingPower = 10 };

        var add = chain.Block(chain.Tx(chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.AddDepartment(department, admin.PublicKeyBytes()))));

        Assert.Equal(0u, add.Receipts[0].Code);
        Assert.True(add.ValidatorUpdate!.Validators.Contains(validator.PublicKey));
        Assert.True(chain.Query(SystemCalls.HasRole(Roles.DepartmentAdmin, admin.PublicKey), RoleCheck.Parser).Granted);

        // Two departments now: both must approve.
        var id = Outcome(chain.Ok(chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.RemoveDepartment("justice")))).ProposalId;
        var removal = chain.Block(chain.Tx(admin, SystemCalls.Approve(id, "justice")));

        Assert.Equal(0u, removal.Receipts[0].Code);
        Assert.False(removal.ValidatorUpdate!.Validators.Contains(validator.PublicKey));
        Assert.False(chain.Query(SystemCalls.HasRole(Roles.DepartmentAdmin, admin.PublicKey), RoleCheck.Parser).Granted);
        Assert.Equal(ResultCode.NotFound, chain.RawQuery(SystemCalls.GetDepartment("justice")).Code);

        chain.AssertReplayIsIdentical();
    }

    [Fact]
    public void AddDepartment_WithoutAdmin_IsRefusedAtProposal()
    {
        var department = new Department { Id = "orphan", ValidatorKey = ByteString.CopyFrom(_chain.Key(45).PublicKey), VotingPower = 1 };

        _chain.Fails(ResultCode.InvalidArgument, _chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.AddDepartment(department)));
    }

    [Fact]
    public void RemoveDepartment_WithMoreGrantsThanEventsPerTransaction_Succeeds()
    {
        using var chain = new TestChain(departments: 2, customize: (g, c) =>
        {
            for (var i = 0; i < 80; i++)
            {
                g.Roles.Add(TestChain.Grant(Roles.IdentityIssuer, c.Key(500 + i), TestChain.DepartmentId(1)));
            }
        });
        var id = Outcome(chain.Ok(chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.RemoveDepartment("dept-1")))).ProposalId;

        var receipt = chain.Ok(chain.Admins[1], SystemCalls.Approve(id, "dept-1"));

        Assert.Contains(receipt.Events, e => e.Name == "department_roles_revoked" && e.Attributes[1].Value == "81");
        var issuers = chain.Query(SystemCalls.GetRoleHolders(Roles.IdentityIssuer), RoleHolders.Parser);
        Assert.Equal([chain.Issuer.PublicKeyBytes()], issuers.Grants.Select(g => g.Holder.ToByteArray()));
    }

    [Fact]
    public void RemoveDepartment_Last_IsRefused()
    {
        using var chain = new TestChain(departments: 1);

        chain.Fails(ResultCode.InvalidState, chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.RemoveDepartment("dept-0")));
    }

    [Fact]
    public void AddDepartment_WithUsedValidatorKey_IsRefusedOnExecution()
    {
        using var chain = new TestChain(departments: 1);
        var department = new Department { Id = "copycat", ValidatorKey = ByteString.CopyFrom(chain.Validators[0].PublicKey), VotingPower = 1 };

        chain.Fails(ResultCode.AlreadyExists, chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.AddDepartment(department, chain.Key(46).PublicKeyBytes())));
    }

    [Fact]
    public void Propose_MalformedAction_IsRefusedBeforeApproval()
    {
        _chain.Fails(ResultCode.InvalidArgument, _chain.Admins[0], SystemCalls.Propose("dept-0", new GovernanceAction()));
        _chain.Fails(ResultCode.InvalidArgument, _chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.SetVotingPower("dept-1", 0)));
        _chain.Fails(ResultCode.InvalidArgument, _chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.GrantRole("BAD ROLE", _chain.Key(44).PublicKey, "dept-0")));
    }

    [Fact]
    public void RevokeRole_Executed_RemovesPermission()
    {
        _chain.Govern(SystemCalls.RevokeRole(Roles.LandRegistrar, _chain.Registrar.PublicKey));

        Assert.False(HasRole(Roles.LandRegistrar, _chain.Registrar.PublicKey).Granted);
        _chain.Fails(ResultCode.Unauthorized, _chain.Registrar, LandCalls.RegisterParcel("P-1", _chain.Registrar.PublicKey, new byte[32], 1));
        Assert.Empty(_chain.Query(SystemCalls.GetRoleHolders(Roles.LandRegistrar), RoleHolders.Parser).Grants);
    }
}
