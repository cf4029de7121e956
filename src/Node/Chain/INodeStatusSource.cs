using GovChain.Protocol;

namespace GovChain.Node.Chain;

/// <summary>The node's own view of itself, for the status call and the CLI's status table.</summary>
public interface INodeStatusSource
{
    NodeStatus GetStatus();
}
