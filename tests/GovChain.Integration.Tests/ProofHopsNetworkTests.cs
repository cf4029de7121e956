using GovChain.Client;
using GovChain.Client.Registries;
using GovChain.Client.Verification;
using GovChain.Core.Transactions;
using GovChain.Integration.Tests.Support;
using GovChain.Protocol;
using GovChain.Protocol.SystemContract;

namespace GovChain.Integration.Tests;

/// <summary>
/// Four departments over real gRPC; governance changes the validator set twice, and the proofs
/// the nodes then serve carry both certified changes and verify against the genesis file alone
/// through the SDK — and not with a change taken out.
/// </summary>
public sealed class ProofHopsNetworkTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private readonly DepartmentNetwork _network = new();

    public Task InitializeAsync() => _network.StartAllAsync();

    public async Task DisposeAsync() => await _network.DisposeAsync();

    [Fact]
    public async Task Proofs_AfterTwoValidatorSetChanges_CarryBothHops_AndVerifyAgainstGenesis()
    {
        var client = _network.Client(0);
        await DecideAsync(Governance.SetVotingPower(DepartmentNetwork.Departments[1], 20));
        await DecideAsync(Governance.SetVotingPower(DepartmentNetwork.Departments[2], 30));

        // Past the second change's effective height (two blocks after the one that decided it).
        var status = await client.GetStatusAsync();
        await _network.WaitForHeightAsync(status.Height + 3, Limit);
        var registrar = await client.CreateSignerAsync(_network.Registrar);
        var registered = await client.ExecuteAsync(registrar, LandRegistry.RegisterParcel("HOPS-1", _network.Registrar.PublicKey.ToArray(), new byte[32], 700));
        Assert.True(registered.Receipt.Code == 0, registered.Receipt.Message);

        var verifier = new ProofVerifier(_network.Genesis);
        var proof = await _network.Client(3).GetTransactionProofAsync(registered.Transaction.Id());
        var verified = verifier.VerifyTransaction(proof, registered.Transaction.Id());
        var state = await _network.Client(2).ProveStateAsync(StateKeys.Parcel("HOPS-1"), verifier);
        var withoutFirst = proof.Clone();
        withoutFirst.ValidatorSetHops.RemoveAt(0);
        var refused = verifier.VerifyTransaction(withoutFirst);

        Assert.Equal(2, proof.ValidatorSetHops.Count);
        Assert.True(verified.IsProven, verified.Problem);
        Assert.Equal(2, verified.Header!.ValidatorSetHops);
        Assert.Equal(70ul, verified.Header.TotalPower);
        Assert.True(state.IsProven, state.Problem);
        Assert.True(state.Exists);
        Assert.Equal(2, state.Header!.ValidatorSetHops);
        Assert.False(refused.IsProven);
        Assert.Contains("validator-set change 1", refused.Problem, StringComparison.Ordinal);
    }

    private async Task DecideAsync(GovernanceAction action)
    {
        var departments = DepartmentNetwork.Departments;
        var proposer = await _network.Client(0).CreateSignerAsync(_network.Admin(0));
        var proposed = await _network.Client(0).ExecuteAsync(proposer, Governance.Propose(departments[0], action, "a validator-set change"));
        Assert.True(proposed.Receipt.Code == 0, proposed.Receipt.Message);
        var id = ProposalOutcome.Parser.ParseFrom(proposed.Receipt.Result).ProposalId;
        for (var i = 1; i <= 2; i++)
        {
            var approver = await _network.Client(i).CreateSignerAsync(_network.Admin(i));
            var approved = await _network.Client(i).ExecuteAsync(approver, Governance.Approve(id, departments[i]));
            Assert.True(approved.Receipt.Code == 0, approved.Receipt.Message);
        }
    }
}
