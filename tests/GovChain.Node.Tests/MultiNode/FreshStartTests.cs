using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Node.Mempool;
using GovChain.Node.Network;
using GovChain.Node.Tests.Support;
using GovChain.Protocol;

namespace GovChain.Node.Tests.MultiNode;

/// <summary>
/// A new chain's validators start with fresh databases and must decide whether they start the
/// chain or follow peers that are past genesis. One Byzantine validator's height claim must
/// not decide it for them (issue #11, attack 5 at fresh start).
/// </summary>
public sealed class FreshStartTests
{
    [Fact]
    public async Task NewChain_OneValidatorClaimingMaximumHeightFirst_HonestNodesStillStartTheChain()
    {
        await using var cluster = new TestCluster(4, inMemory: true);
        var liarKey = cluster.ValidatorKey(3);
        var liar = cluster.Hub.Join("dept-3", liarKey);
        await liar.StartAsync(new HeightLiar(), CancellationToken.None);
        var nodes = new[] { 0, 1, 2 }.Select(cluster.Create).ToList();

        // The liar's handshake report is the first thing each honest node hears, before its grace
        // starts: deterministic, whatever the scheduling of the hub's delivery tasks.
        foreach (var node in nodes)
        {
            node.Consensus.OnPeerHeight(liarKey, ulong.MaxValue);
        }

        await Task.WhenAll(nodes.Select(n => n.StartAsync()));

        await TestCluster.WaitUntilAsync(
            () => nodes.All(n => n.Database.Blocks.LastHeight >= 3),
            () => $"the honest nodes committing height 3 (at {string.Join(",", nodes.Select(n => n.Database.Blocks.LastHeight))}; "
                + $"signing: {string.Join(",", nodes.Select(n => n.Consensus.IsSigning))})",
            TimeSpan.FromSeconds(30));
        Assert.All(nodes, n => Assert.True(n.Consensus.IsSigning));
        cluster.AssertSameChain();
        await liar.DisposeAsync();
    }

    /// <summary>A validator that says it has committed height 2^64 − 1 and serves nothing.</summary>
    private sealed class HeightLiar : IPeerHandler
    {
        public ulong Height => ulong.MaxValue;

        public void OnConsensusMessage(Hash32 fromValidator, ConsensusMessage message)
        {
        }

        public AdmissionResult[] OnTransactions(Hash32 fromValidator, IReadOnlyList<SignedTransaction> transactions) =>
            new AdmissionResult[transactions.Count];

        public IEnumerable<CertifiedBlock> ReadBlocks(ulong fromHeight, ulong toHeight) => [];

        public void OnPeerHeight(Hash32 validator, ulong height)
        {
        }
    }
}
