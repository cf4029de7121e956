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
    [Fact(Skip = "fails before the fix of issue #11 attack 1: in 2 of 2 runs the honest nodes' consensus loops stopped at height 1 or 2 with 'A WAL record may be at most 16777216 bytes; got 17348482' (their own next proposal, carrying the duplicate-proposal evidence of the 8 and 8.5 MiB pair), so the chain halted at height 0 or 1")]
    public Task OversizedEquivocatingProposer_HonestNodesKeepCommittingAndAgree() =>
        ByzantineAttackRun.RunAsync("oversized-equivocation", output);

    [Fact(Skip = "fails before the fix of issue #11 attack 2: the victim (finance) marked the header's hash invalid on the swapped body, dropped the real body as a duplicate, and when the others decided the block its consensus loop stopped with 'Decided block 1 does not execute here: transactions do not match the header's tx root'; it stayed at height 0 while the others went on to 60")]
    public Task ProposerSwappingOneNodesBody_HonestNodesKeepCommittingAndAgree() =>
        ByzantineAttackRun.RunAsync("body-swap", output);

    [Fact(Skip = "fails before the fix of issue #11 attack 3: all three honest nodes committed block 7 holding a client transaction whose signature does not verify: the block was validated with the pools' verified copies found by tx id, the forged bytes were stored")]
    public Task ProposerForgingClientSignatures_HonestNodesCommitOnlyVerifiableTransactions() =>
        ByzantineAttackRun.RunAsync("signature-strip", output);

    [Fact]
    public Task VoteFlood_HonestNodesKeepCommittingAndAgree() =>
        ByzantineAttackRun.RunAsync("vote-flood", output);

    [Fact]
    public Task PeerClaimingMaximumHeight_HonestNodesKeepCommittingAndAgree() =>
        ByzantineAttackRun.RunAsync("height-lie", output);
}
