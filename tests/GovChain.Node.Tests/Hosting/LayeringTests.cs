using GovChain.Grpc.Hosting;
using GovChain.Node.Hosting;

namespace GovChain.Node.Tests.Hosting;

/// <summary>The layering of the design: Grpc → Node → Consensus, Contracts, Storage → Core; the node knows no transport.</summary>
public sealed class LayeringTests
{
    [Fact]
    public void NodeAssembly_ReferencesNoGrpcOrAspNetCoreAssembly()
    {
        var referenced = typeof(GovChainNode).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(referenced, n => n.StartsWith("Grpc.", StringComparison.Ordinal));
        Assert.DoesNotContain(referenced, n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(referenced, n => n is "GovChain.Grpc" or "GovChain.Rpc");
    }

    [Fact]
    public void GrpcEdge_ReferencesTheNode_NotTheOtherWayRound()
    {
        var referenced = typeof(NodeServer).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("GovChain.Node", referenced);
        Assert.Contains("Grpc.AspNetCore.Server", referenced);
    }
}
