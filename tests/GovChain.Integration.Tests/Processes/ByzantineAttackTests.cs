using Xunit.Abstractions;

namespace GovChain.Integration.Tests.Processes;

/// <summary>
/// Issue #11 at the process level: three honest department nodes (<c>govchain node run</c>)
/// and one Byzantine validator (tests/GovChain.ByzantineNode) in one attack mode each. One
/// faulty validator of four is within what BFT tolerates, so whatever it sends, the honest
/// three must keep committing for <see cref="ByzantineAttackRun.HeightsUnderAttack"/> heights
/// after the attack first struck, hold the same blocks (every byte, not only the header
/// hash), hold only transactions whose signatures verify, and each hold every transaction
/// they acknowledged to the test while under attack. See <see cref="ByzantineAttackRun"/>.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public sealed class ByzantineAttackTests(ITestOutputHelper output)
{
    [Fact]
    public Task OversizedEquivocatingProposer_HonestNodesKeepCommittingAndAgree() =>
        ByzantineAttackRun.RunAsync("oversized-equivocation", output);

    [Fact]
    public Task ProposerSwappingOneNodesBody_HonestNodesKeepCommittingAndAgree() =>
        ByzantineAttackRun.RunAsync("body-swap", output);

    [Fact]
    public Task ProposerForgingClientSignatures_HonestNodesCommitOnlyVerifiableTransactions() =>
        ByzantineAttackRun.RunAsync("signature-strip", output);

    [Fact]
    public Task VoteFlood_HonestNodesKeepCommittingAndAgree() =>
        ByzantineAttackRun.RunAsync("vote-flood", output);

    [Fact]
    public Task PeerClaimingMaximumHeight_HonestNodesKeepCommittingAndAgree() =>
        ByzantineAttackRun.RunAsync("height-lie", output);
}
