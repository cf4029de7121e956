namespace GovChain.NodeSimulation.Tests;

/// <summary>
/// The named attacks of issue #11, each by one Byzantine department (node 3 of 4) that acts
/// on every chance it gets, over a few seeds, with every invariant checked at every step and
/// liveness required once the network heals. Replay one seed with GOVCHAIN_NODESIM_SEED.
/// </summary>
public sealed class AttackScenarioTests
{
    private const int Byzantine = 3;

    [Fact]
    public void OversizedEquivocatingProposals_TwoValidlySigned8MiBProposalsPerRound_NetworkStaysSafeAndLive() =>
        Run(nameof(OversizedEquivocatingProposals_TwoValidlySigned8MiBProposalsPerRound_NetworkStaysSafeAndLive), Attack(ByzantineBehaviour.Oversized | ByzantineBehaviour.Equivocate) with
        {
            OversizedBytes = (8 * 1024 * 1024) + (256 * 1024),
        });

    [Fact]
    public void SameHeaderDifferentBody_SentToOneNode_ThatNodeNeitherFaultsNorForks() =>
        Run(nameof(SameHeaderDifferentBody_SentToOneNode_ThatNodeNeitherFaultsNorForks), Attack(ByzantineBehaviour.BodyMismatch) with { ProposalTarget = 0 });

    [Fact]
    public void SignatureStripping_ProposerForgesSignaturesOfPooledTransactions_NoForgedSignatureIsStored() =>
        Run(nameof(SignatureStripping_ProposerForgesSignaturesOfPooledTransactions_NoForgedSignatureIsStored), Attack(ByzantineBehaviour.ForgeTxSignatures) with { Citizens = 12 });

    [Fact]
    public void ForgedVoteFlood_VotesClaimingHonestKeys_NetworkStaysLive() =>
        Run(nameof(ForgedVoteFlood_VotesClaimingHonestKeys_NetworkStaysLive), Attack(ByzantineBehaviour.ForgedVoteFlood));

    [Fact]
    public void InflatedHeightClaim_PeerReportsMaxHeight_HonestNodesKeepDeciding() =>
        Run(nameof(InflatedHeightClaim_PeerReportsMaxHeight_HonestNodesKeepDeciding), Attack(ByzantineBehaviour.InflatedHeight | ByzantineBehaviour.FarFutureHeights));

    [Fact]
    public void BadBlocksServedToBlockSync_LaggingNodeCatchesUpFromHonestPeers() =>
        Run(nameof(BadBlocksServedToBlockSync_LaggingNodeCatchesUpFromHonestPeers), Attack(ByzantineBehaviour.BadSyncBlocks) with
        {
            // Node 0 is cut off for the whole faulty phase, so it must sync what the others decided.
            Partitions = [new PartitionEvent(TimeSpan.Zero, [1, 0, 0, 0])],
        });

    [Fact]
    public void ForeignProposer_BlockNamesAnotherValidator_IsNeverCommitted() =>
        Run(nameof(ForeignProposer_BlockNamesAnotherValidator_IsNeverCommitted), Attack(ByzantineBehaviour.ForeignProposer));

    [Fact]
    public void EverythingAtOnce_OneByzantineDepartment_NetworkStaysSafeAndLive() =>
        Run(nameof(EverythingAtOnce_OneByzantineDepartment_NetworkStaysSafeAndLive), Attack(ByzantineBehaviour.All & ~NodeSeedRunner.KnownBroken) with { Always = false });

    private static NodeSimScenario Attack(ByzantineBehaviour behaviours) => new()
    {
        Validators = 4,
        Byzantine = [Byzantine],
        Behaviours = behaviours,
        Always = true,
        ChaosFaults = new WireFaults(0.02, 0.02, 1, 30),
        Chaos = TimeSpan.FromSeconds(3),
        Citizens = 8,
        // Enough heights that the Byzantine node proposes at least once after the heal too.
        HeightsAfterHeal = 5,
    };

    private static void Run(string test, NodeSimScenario scenario)
    {
        var seeds = NodeSeedRunner.SeedFromEnvironment() is { } replay ? new[] { replay } : new ulong[] { 1, 2, 3 };
        foreach (var seed in seeds)
        {
            var result = NodeSeedRunner.RunOne(seed, scenario, $"{nameof(AttackScenarioTests)}.{test}");
            Assert.True(result.MinHonestHeight >= scenario.HeightsAfterHeal);
        }
    }
}
