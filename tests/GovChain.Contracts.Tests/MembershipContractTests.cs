using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Contracts.Tests.Support;
using GovChain.Protocol;
using GovChain.Protocol.SystemContract;

namespace GovChain.Contracts.Tests;

/// <summary>
/// Membership follows governance: departments' keys, endpoints and certificates change by
/// proposal, and a change that would leave the network unable to reach 2/3 of the power
/// without the node it makes (re)start is refused with a reason.
/// </summary>
public sealed class MembershipContractTests : IDisposable
{
    private readonly TestChain _chain = new(departments: 4, customize: (genesis, _) =>
    {
        for (var i = 0; i < genesis.Departments.Count; i++)
        {
            genesis.Departments[i].Endpoint = $"127.0.0.1:{7000 + i}";
            genesis.Departments[i].TlsCertificate = ByteString.CopyFrom(Certificate($"dept-{i}"));
        }
    });

    public void Dispose() => _chain.Dispose();

    private static byte[] Certificate(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch.AddYears(40), DateTimeOffset.UnixEpoch.AddYears(80));
        return certificate.RawData;
    }

    private Department NewDepartment(string id, ulong power = 10, string? endpoint = "127.0.0.1:7100", bool certificate = true) => new()
    {
        Id = id,
        Name = "Ministry of " + id,
        ValidatorKey = ByteString.CopyFrom(_chain.Key(300).PublicKey),
        VotingPower = power,
        Endpoint = endpoint ?? string.Empty,
        TlsCertificate = certificate ? ByteString.CopyFrom(Certificate(id)) : ByteString.Empty,
    };

    /// <summary>Proposes as dept-0 and approves as dept-1 and dept-2: the third approval executes.</summary>
    private Receipt Govern(GovernanceAction action)
    {
        var id = ProposalOutcome.Parser.ParseFrom(_chain.Ok(_chain.Admins[0], SystemCalls.Propose("dept-0", action)).Result).ProposalId;
        _chain.Ok(_chain.Admins[1], SystemCalls.Approve(id, "dept-1"));
        var last = _chain.Ok(_chain.Admins[2], SystemCalls.Approve(id, "dept-2"));
        Assert.True(ProposalOutcome.Parser.ParseFrom(last.Result).Executed);
        return last;
    }

    private Department Get(string id) => _chain.Query(SystemCalls.GetDepartment(id), Department.Parser);

    private void Refused(ResultCode code, GovernanceAction action, string reason)
    {
        var receipt = _chain.Fails(code, _chain.Admins[0], SystemCalls.Propose("dept-0", action));
        Assert.Contains(reason, receipt.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDepartment_WithEndpointAndCertificate_IsListedAndJoinsTheValidatorsTwoBlocksLater()
    {
        var justice = NewDepartment("justice");
        var id = ProposalOutcome.Parser.ParseFrom(_chain.Ok(_chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.AddDepartment(justice, _chain.Key(301).PublicKeyBytes()))).Result).ProposalId;
        _chain.Ok(_chain.Admins[1], SystemCalls.Approve(id, "dept-1"));

        var result = _chain.Block(_chain.Tx(_chain.Admins[2], SystemCalls.Approve(id, "dept-2")));

        Assert.Equal(0u, result.Receipts[0].Code);
        Assert.Equal(_chain.Height + 2, result.ValidatorUpdate!.EffectiveFromHeight);
        Assert.True(result.ValidatorUpdate.Validators.Contains(_chain.Key(300).PublicKey));
        Assert.Equal(justice, Get("justice"));
    }

    [Fact]
    public void AddDepartment_ThatTheOthersCouldNotOutvote_IsRefusedAtProposal()
    {
        // 40 running + 20 new: 40 of 60 is exactly 2/3, not more.
        Refused(ResultCode.InvalidState, SystemCalls.AddDepartment(NewDepartment("justice", power: 20), _chain.Key(301).PublicKeyBytes()), "40 of 60 voting power");
    }

    [Fact]
    public void AddDepartment_WithoutCertificate_OnAPinnedChain_IsRefused()
    {
        Refused(ResultCode.InvalidState, SystemCalls.AddDepartment(NewDepartment("justice", certificate: false), _chain.Key(301).PublicKeyBytes()), "none for: justice");
    }

    [Fact]
    public void AddDepartment_OnAnotherDepartmentsEndpoint_OrWithAMalformedOne_IsRefused()
    {
        Refused(ResultCode.AlreadyExists, SystemCalls.AddDepartment(NewDepartment("justice", endpoint: "127.0.0.1:7001"), _chain.Key(301).PublicKeyBytes()), "share the endpoint");
        Refused(ResultCode.InvalidArgument, SystemCalls.AddDepartment(NewDepartment("justice", endpoint: "no-port"), _chain.Key(301).PublicKeyBytes()), "not host:port");
    }

    [Fact]
    public void RemoveDepartment_LeavesTheOthersRunning_AndDropsItFromTheValidators()
    {
        var receipt = Govern(SystemCalls.RemoveDepartment("dept-3"));

        Assert.Contains(receipt.Events, e => e.Name == "department_removed");
        Assert.Equal(ResultCode.NotFound, _chain.RawQuery(SystemCalls.GetDepartment("dept-3")).Code);
        Assert.False(ContractEngine.LatestValidatorUpdate(_chain.State)!.Validators.Contains(_chain.Validators[3].PublicKey));
    }

    [Fact]
    public void SetValidatorKey_RotatesTheKeyFromTwoBlocksLater()
    {
        var fresh = _chain.Key(310);
        Govern(SystemCalls.SetValidatorKey("dept-3", fresh.PublicKey));

        var update = ContractEngine.LatestValidatorUpdate(_chain.State)!;
        Assert.Equal(_chain.Height + 2, update.EffectiveFromHeight);
        Assert.True(update.Validators.Contains(fresh.PublicKey));
        Assert.False(update.Validators.Contains(_chain.Validators[3].PublicKey));
        Assert.Equal(fresh.PublicKey, Get("dept-3").ValidatorKey.ToByteArray());
    }

    [Fact]
    public void SetValidatorKey_OfADepartmentTheOthersCouldNotOutvote_IsRefused()
    {
        using var chain = new TestChain(departments: 3, customize: (genesis, _) =>
        {
            for (var i = 0; i < genesis.Departments.Count; i++)
            {
                genesis.Departments[i].Endpoint = $"127.0.0.1:{7000 + i}";
            }
        });

        // 20 of 30 without dept-2 is exactly 2/3: while dept-2 switches keys nothing could commit.
        var receipt = chain.Fails(ResultCode.InvalidState, chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.SetValidatorKey("dept-2", chain.Key(311).PublicKey)));
        Assert.Contains("other than 'dept-2'", receipt.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetTlsCertificate_KeepsTheOldOneAcceptedThroughTheOverlap()
    {
        var old = Get("dept-2").TlsCertificate;
        var fresh = Certificate("dept-2-new");

        var receipt = Govern(SystemCalls.SetTlsCertificate("dept-2", fresh, overlapBlocks: 50));

        var record = Get("dept-2");
        Assert.Equal(fresh, record.TlsCertificate.ToByteArray());
        Assert.Equal(old, record.PreviousTlsCertificate);
        Assert.Equal(_chain.Height + 50, record.PreviousTlsValidUntil);
        Assert.Contains(receipt.Events, e => e.Name == "tls_certificate_rotated");
    }

    [Fact]
    public void SetTlsCertificate_Malformed_OrAnotherDepartments_IsRefused()
    {
        Refused(ResultCode.InvalidArgument, SystemCalls.SetTlsCertificate("dept-2", Certificate("x"), overlapBlocks: 0), "overlap_blocks");
        Refused(ResultCode.InvalidArgument, SystemCalls.SetTlsCertificate("dept-2", [], overlapBlocks: 10), "tls_certificate");
        Refused(ResultCode.AlreadyExists, SystemCalls.SetTlsCertificate("dept-2", Get("dept-1").TlsCertificate.ToByteArray(), overlapBlocks: 10), "share one TLS certificate");
    }

    [Fact]
    public void SetEndpoint_MovesTheNode_AndRefusesATakenEndpoint()
    {
        Refused(ResultCode.AlreadyExists, SystemCalls.SetEndpoint("dept-2", "127.0.0.1:7001"), "share the endpoint");
        Refused(ResultCode.InvalidArgument, SystemCalls.SetEndpoint("dept-2", "127.0.0.1:0"), "not host:port");

        var receipt = Govern(SystemCalls.SetEndpoint("dept-2", "10.1.2.3:7443"));

        Assert.Equal("10.1.2.3:7443", Get("dept-2").Endpoint);
        Assert.Contains(receipt.Events, e => e.Name == "endpoint_changed");
        Assert.Null(_chain.Block().ValidatorUpdate);
    }

    [Fact]
    public void AChangeThatBecameUnsafeWhileOpen_IsRefusedAtExecution_AndChangesNothing()
    {
        // Adding health (15) is safe beside four departments (40 of 55 run unchanged); once dept-3 is gone it would leave 30 of 45.
        var health = NewDepartment("health", power: 15);
        var add = ProposalOutcome.Parser.ParseFrom(_chain.Ok(_chain.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.AddDepartment(health, _chain.Key(301).PublicKeyBytes()))).Result).ProposalId;
        _chain.Ok(_chain.Admins[1], SystemCalls.Approve(add, "dept-1"));
        Govern(SystemCalls.RemoveDepartment("dept-3"));

        var refused = _chain.Fails(ResultCode.InvalidState, _chain.Admins[2], SystemCalls.Approve(add, "dept-2"));

        Assert.Contains("30 of 45 voting power", refused.Message, StringComparison.Ordinal);
        Assert.Equal(ResultCode.NotFound, _chain.RawQuery(SystemCalls.GetDepartment("health")).Code);
        Assert.Equal(GovernanceProposalStatus.Open, _chain.Query(SystemCalls.GetProposal(add), GovernanceProposal.Parser).Status);
        _chain.AssertReplayIsIdentical();
    }
}
