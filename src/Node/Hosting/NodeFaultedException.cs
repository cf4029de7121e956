namespace GovChain.Node.Hosting;

/// <summary>
/// The node's consensus loop stopped on an error it cannot recover from (a failed write, a damaged
/// WAL record, an execution error): the node takes nothing new and must be restarted, which
/// rebuilds a consistent state from its database and WAL.
/// </summary>
public sealed class NodeFaultedException : InvalidOperationException
{
    public NodeFaultedException()
    {
    }

    public NodeFaultedException(string message)
        : base(message)
    {
    }

    public NodeFaultedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
