using Google.Protobuf;
using GovChain.Client.Tests.Support;
using GovChain.Client.Verification;
using GovChain.Core.Blocks;
using GovChain.Core.Transactions;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Client.Tests;

/// <summary>Headers certified by a validator set that governance changed after genesis.</summary>
public sealed class ValidatorChangeTests
{
    [Fact]
    public async Task VerifyHeader_ChangedSetSignedByMostGenesisPower_IsTrusted()
    {
        await using var node = await TestNode.StartAsync();
        var changed = Reweighted(node, departmentIndex: 3, power: 25);
        var header = Header(changed);

        var certified = new ProofVerifier(node.Genesis).VerifyHeader(header, Sign(header, node.Validators.Take(3)), changed.ToProto(), out var problem);

        Assert.NotNull(certified);
        Assert.Empty(problem);
        Assert.False(certified.GenesisValidatorSet);
        Assert.Equal(30ul, certified.SignedPower);
        Assert.Equal(40ul, certified.TotalPower);
        Assert.Contains("has since changed", certified.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyHeader_NewSetWhereGenesisSignersHoldTooLittle_IsNotTrusted()
    {
        await using var node = await TestNode.StartAsync();
        var newcomer = node.Key(777);

        // Two genesis validators replaced: the new set certifies on its own, but genesis cannot vouch for it.
        var set = new WeightedValidatorSet(node.Genesis.Validators.Validators.Select((v, i) => i switch
        {
            0 => new Validator { DepartmentId = v.DepartmentId, PublicKey = ByteString.CopyFrom(newcomer.PublicKey), VotingPower = 10 },
            1 => new Validator { DepartmentId = v.DepartmentId, PublicKey = ByteString.CopyFrom(node.Key(778).PublicKey), VotingPower = 10 },
            _ => v,
        }));
        var header = Header(set);
        var signers = new[] { newcomer, node.Key(778) }.Concat(node.Validators.Where(k => set.Contains(k.PublicKey)).Take(1));

        var certified = new ProofVerifier(node.Genesis).VerifyHeader(header, Sign(header, signers), set.ToProto(), out var problem);

        Assert.Null(certified);
        Assert.Contains("genesis validators who signed hold 10 of 40", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyHeader_OtherChain_IsNotTrusted()
    {
        await using var node = await TestNode.StartAsync();
        var header = Header(node.Genesis.Validators);
        header.ChainId = "elsewhere";

        var certified = new ProofVerifier(node.Genesis).VerifyHeader(header, Sign(header, node.Validators), node.Genesis.Validators.ToProto(), out var problem);

        Assert.Null(certified);
        Assert.Contains("elsewhere", problem, StringComparison.Ordinal);
    }

    private static WeightedValidatorSet Reweighted(TestNode node, int departmentIndex, ulong power) =>
        new(node.Genesis.Validators.Validators.Select((v, i) =>
            i == departmentIndex ? new Validator { DepartmentId = v.DepartmentId, PublicKey = v.PublicKey, VotingPower = power } : v));

    private static BlockHeader Header(WeightedValidatorSet set) => new()
    {
        ChainId = TestNode.ChainId,
        Height = 50,
        StateRoot = ByteString.CopyFrom(new byte[32]),
        ValidatorSetHash = ByteString.CopyFrom(set.Hash.ToArray()),
    };

    private static CommitCertificate Sign(BlockHeader header, IEnumerable<KeyPair> signers)
    {
        var hash = header.Hash();
        return CommitCertificates.FromPrecommits(header.Height, 1, hash, signers.Select(k => Votes.Sign(header.ChainId, VoteType.Precommit, header.Height, 1, hash, k)));
    }
}

/// <summary>A voting-power change decided by governance, then a proof from a block certified by the new set.</summary>
public sealed class GovernedValidatorSetTests
{
    [Fact]
    public async Task ProveTransaction_AfterAVotingPowerChange_ServerFindsTheNewSetAndGenesisStillVouches()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();
        var proposal = await client.SubmitAsync(node.Signer(node.Admins[0]).SignNext(
            Registries.Governance.Propose("education", Registries.Governance.SetVotingPower("education", 25), "more weight for education")));
        node.CommitPending();
        var proposalId = GovChain.Protocol.SystemContract.ProposalOutcome.Parser.ParseFrom((await client.GetTransactionAsync(proposal))!.Receipt.Result).ProposalId;
        await client.SubmitAsync(node.Signer(node.Admins[1]).SignNext(Registries.Governance.Approve(proposalId, "finance")));
        await client.SubmitAsync(node.Signer(node.Admins[2]).SignNext(Registries.Governance.Approve(proposalId, "justice")));
        var decided = node.CommitPending();
        Assert.All(decided.Receipts, r => Assert.Equal(0u, r.Code));
        node.CommitPending();
        var parcel = node.Signer(node.Registrar).SignNext(Registries.LandRegistry.RegisterParcel("P-1", node.Alice.PublicKey, new byte[32], 1));
        await client.SubmitAsync(parcel);
        var fourth = node.CommitPending();
        Assert.NotEqual(node.Genesis.Validators.Hash.ToArray(), fourth.Block.Header.ValidatorSetHash.ToByteArray());

        var proof = await client.GetTransactionProofAsync(parcel.Id());
        var verified = new ProofVerifier(node.Genesis).VerifyTransaction(proof);

        Assert.Equal(55ul, proof.Validators.Validators.Aggregate(0ul, (sum, v) => sum + v.VotingPower));
        Assert.True(verified.IsProven, verified.Problem);
        Assert.Equal(4ul, verified.Header!.Height);
        Assert.False(verified.Header.GenesisValidatorSet);
        Assert.Equal(30ul, verified.Header.SignedPower);
    }
}
