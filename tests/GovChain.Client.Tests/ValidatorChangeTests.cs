using Google.Protobuf;
using GovChain.Client.Tests.Support;
using GovChain.Client.Verification;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Transactions;
using GovChain.Core.Validators;
using GovChain.Protocol;
using GovChain.Protocol.SystemContract;
using GovChain.Tests.Fixtures;

namespace GovChain.Client.Tests;

/// <summary>Proofs of blocks certified by validator sets that governance changed after genesis: the hops from genesis.</summary>
public sealed class ValidatorChangeTests
{
    [Fact]
    public void VerifyTransaction_AfterThreeKeyRotations_IsProvenThroughTheHops()
    {
        using var chain = new HopChainFixture();
        var genesisPower = chain.Sets[^1].Validators.Where(v => chain.Genesis.Validators.Contains(v.PublicKey.Span)).Sum(v => (long)v.VotingPower);

        var verified = new ProofVerifier(chain.Genesis).VerifyTransaction(chain.Proof);

        Assert.Equal(10, genesisPower); // the genesis keys alone could no longer vouch for the block
        Assert.True(verified.IsProven, verified.Problem);
        Assert.Equal(HopChainFixture.ProofHeight, verified.Header!.Height);
        Assert.Equal(3, verified.Header.ValidatorSetHops);
        Assert.False(verified.Header.GenesisValidatorSet);
        Assert.Equal(30ul, verified.Header.SignedPower);
        Assert.Equal(40ul, verified.Header.TotalPower);
        Assert.Equal(HopChainFixture.ProofTime, verified.Header.Time);
        Assert.Contains("through 3 certified changes", verified.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyTransaction_SkippedHop_IsRefusedNamingTheBreak()
    {
        using var chain = new HopChainFixture();

        var verified = new ProofVerifier(chain.Genesis).VerifyTransaction(chain.SkippedHop());

        Assert.False(verified.IsProven);
        Assert.Contains("validator-set change 2 (block 30)", verified.Problem, StringComparison.Ordinal);
        Assert.Contains("missing", verified.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyTransaction_LastHopLeftOut_IsRefused()
    {
        using var chain = new HopChainFixture();

        var verified = new ProofVerifier(chain.Genesis).VerifyTransaction(chain.MissingLastHop());

        Assert.False(verified.IsProven);
        Assert.Contains("after the proof's 2 validator-set changes", verified.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyTransaction_NoHopsAtAll_IsRefusedEvenThoughTheCertificateIsValidForItsSet()
    {
        using var chain = new HopChainFixture();
        var proof = chain.Proof.Clone();
        proof.ValidatorSetHops.Clear();

        var verified = new ProofVerifier(chain.Genesis).VerifyTransaction(proof);

        Assert.False(verified.IsProven);
        Assert.Contains("not the genesis set", verified.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyTransaction_ForgedHop_IsRefusedAsNotCertifiedByTheSetBeforeIt()
    {
        using var chain = new HopChainFixture();

        var verified = new ProofVerifier(chain.Genesis).VerifyTransaction(chain.ForgedHop());

        Assert.False(verified.IsProven);
        Assert.Contains("validator-set change 2 (block 20) is not certified by the validator set before it", verified.Problem, StringComparison.Ordinal);
        Assert.Contains("forged", verified.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyTransaction_HopWithAnotherSetThanItsHeaderNames_IsRefused()
    {
        using var chain = new HopChainFixture();

        var verified = new ProofVerifier(chain.Genesis).VerifyTransaction(chain.SwappedSet());

        Assert.False(verified.IsProven);
        Assert.Contains("not the one its header names", verified.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyTransaction_HopsOutOfOrder_AreRefused()
    {
        using var chain = new HopChainFixture();
        var proof = chain.Proof.Clone();
        (proof.ValidatorSetHops[0], proof.ValidatorSetHops[1]) = (proof.ValidatorSetHops[1], proof.ValidatorSetHops[0]);

        var verified = new ProofVerifier(chain.Genesis).VerifyTransaction(proof);

        Assert.False(verified.IsProven);
        Assert.Contains("validator-set change 1", verified.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyTransaction_TooManyHops_IsRefusedBeforeAnySignatureIsChecked()
    {
        using var chain = new HopChainFixture();
        var proof = chain.Proof.Clone();
        for (var i = 0; i <= ValidatorSetHops.MaxHops; i++)
        {
            proof.ValidatorSetHops.Add(chain.Hops[0]);
        }

        var verified = new ProofVerifier(chain.Genesis).VerifyTransaction(proof);

        Assert.False(verified.IsProven);
        Assert.Contains($"at most {ValidatorSetHops.MaxHops}", verified.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyTransaction_OlderThanTheMaximumAge_IsRefused_YoungerIsProven()
    {
        using var chain = new HopChainFixture();
        var clock = new FixedClock(HopChainFixture.ProofTime.AddHours(3));

        var tooOld = new ProofVerifier(chain.Genesis, TimeSpan.FromHours(2), clock).VerifyTransaction(chain.Proof);
        var fresh = new ProofVerifier(chain.Genesis, TimeSpan.FromHours(4), clock).VerifyTransaction(chain.Proof);

        Assert.False(tooOld.IsProven);
        Assert.Contains("3 hours old; at most 2 hours is accepted", tooOld.Problem, StringComparison.Ordinal);
        Assert.Contains("2026-11-01 00:00:00Z", tooOld.Problem, StringComparison.Ordinal);
        Assert.True(fresh.IsProven, fresh.Problem);
    }

    [Fact]
    public void VerifyTransaction_OtherChain_IsNotTrusted()
    {
        using var chain = new HopChainFixture();
        using var other = new HopChainFixture("elsewhere");

        var verified = new ProofVerifier(chain.Genesis).VerifyTransaction(other.Proof);

        Assert.False(verified.IsProven);
        Assert.Contains("elsewhere", verified.Problem, StringComparison.Ordinal);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>Validator-set changes decided by governance on a node, then proofs from blocks certified by the new sets.</summary>
public sealed class GovernedValidatorSetTests
{
    [Fact]
    public async Task ProveTransaction_AfterAVotingPowerChange_CarriesTheCertifiedChange()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();
        await DecideAsync(node, client, Registries.Governance.SetVotingPower("education", 25));
        node.CommitPending();
        var parcel = node.Signer(node.Registrar).SignNext(Registries.LandRegistry.RegisterParcel("P-1", node.Alice.PublicKey, new byte[32], 1));
        await client.SubmitAsync(parcel);
        var fourth = node.CommitPending();
        Assert.NotEqual(node.Genesis.Validators.Hash.ToArray(), fourth.Block.Header.ValidatorSetHash.ToByteArray());

        var proof = await client.GetTransactionProofAsync(parcel.Id());
        var verified = new ProofVerifier(node.Genesis).VerifyTransaction(proof);

        Assert.Equal(55ul, proof.Validators.Validators.Aggregate(0ul, (sum, v) => sum + v.VotingPower));
        Assert.Single(proof.ValidatorSetHops);
        Assert.True(verified.IsProven, verified.Problem);
        Assert.Equal(4ul, verified.Header!.Height);
        Assert.False(verified.Header.GenesisValidatorSet);
        Assert.Equal(1, verified.Header.ValidatorSetHops);
    }

    [Fact]
    public async Task ProveState_AfterThreeKeyRotations_VerifiesAgainstGenesis_AndRefusesTheProofWithAHopRemoved()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();
        var rotated = new[] { "education", "finance", "justice" };
        for (var i = 0; i < rotated.Length; i++)
        {
            await DecideAsync(node, client, Registries.Governance.SetValidatorKey(rotated[i], node.Key(300 + i).PublicKey));

            // Two more blocks: the change takes effect two blocks after the one that decided it.
            node.CommitPending();
            node.CommitPending();
        }

        var parcel = node.Signer(node.Registrar).SignNext(Registries.LandRegistry.RegisterParcel("P-9", node.Alice.PublicKey, new byte[32], 9));
        await client.SubmitAsync(parcel);
        var committed = node.CommitPending();
        var finalSet = WeightedValidatorSet.FromProto((await client.QueryAsync(Registries.Governance.GetValidators())).Value);
        Assert.Equal(10ul, finalSet.Validators.Where(v => node.Genesis.Validators.Contains(v.PublicKey.Span)).Aggregate(0ul, (s, v) => s + v.VotingPower));

        var verifier = new ProofVerifier(node.Genesis);
        var proven = await client.ProveStateAsync("land/parcel/P-9", verifier);
        var proof = await client.GetStateProofAsync(System.Text.Encoding.UTF8.GetBytes("land/parcel/P-9"));
        proof.ValidatorSetHops.RemoveAt(1);
        var skipped = verifier.VerifyState(proof, System.Text.Encoding.UTF8.GetBytes("land/parcel/P-9"));

        Assert.True(proven.IsProven, proven.Problem);
        Assert.True(proven.Exists);
        Assert.Equal(committed.Block.Header.Height, proven.Header!.Height);
        Assert.Equal(3, proven.Header.ValidatorSetHops);
        Assert.False(skipped.IsProven);
        Assert.Contains("missing", skipped.Problem, StringComparison.Ordinal);
    }

    private static async Task DecideAsync(TestNode node, GovChainClient client, GovernanceAction action)
    {
        var proposal = await client.SubmitAsync(node.Signer(node.Admins[0], NextNonce(node, 0)).SignNext(Registries.Governance.Propose("education", action, "governance change")));
        node.CommitPending();
        var proposalId = Protocol.SystemContract.ProposalOutcome.Parser.ParseFrom((await client.GetTransactionAsync(proposal))!.Receipt.Result).ProposalId;
        await client.SubmitAsync(node.Signer(node.Admins[1], NextNonce(node, 1)).SignNext(Registries.Governance.Approve(proposalId, "finance")));
        await client.SubmitAsync(node.Signer(node.Admins[2], NextNonce(node, 2)).SignNext(Registries.Governance.Approve(proposalId, "justice")));
        var decided = node.CommitPending();
        Assert.All(decided.Receipts, r => Assert.Equal(0u, r.Code));
    }

    private static ulong NextNonce(TestNode node, int admin) =>
        Contracts.Engine.ContractEngine.NextNonce(node.Database.State.Latest(), node.Admins[admin].PublicKey.ToArray());
}
