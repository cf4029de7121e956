using GovChain.Node.Tests.Support;

namespace GovChain.Node.Tests.Hosting;

/// <summary>
/// A node killed at any instant restarts into a consistent state; here the instant between
/// writing the genesis state (one batch, when the node is built) and committing block 1.
/// </summary>
public sealed class GenesisRestartTests
{
    [Fact]
    public async Task ValidatorStoppedAfterWritingGenesisBeforeBlockOne_Restarts_AndTheChainStarts()
    {
        await using var cluster = new TestCluster(4);

        // Building the node writes the genesis state; stopping it before it ever runs leaves its
        // data directory as a kill between the genesis write and block 1 does.
        cluster.Create(0);
        Assert.True(cluster.Nodes[0]!.Database.State.HasGenesis);
        Assert.Equal(0UL, cluster.Height(0));
        await cluster.StopAsync(0);

        await cluster.StartAllAsync();
        await cluster.WaitForHeightAsync(3, 0, 1, 2, 3);
        cluster.AssertSameChain();
    }
}
