using GovChain.Contracts.Engine;
using GovChain.Core.Hashing;
using GovChain.Protocol;
using GovChain.Storage.State;

namespace GovChain.Node.Chain;

/// <summary>A block executed on top of the last committed state: what its commit writes, kept so the commit never re-executes.</summary>
public sealed record PreparedBlock(Block Block, Hash32 Hash, BlockExecutionResult Execution, PreparedState State)
{
    public ulong Height => Block.Header.Height;
}

/// <summary>What a commit (own decision or block sync) did.</summary>
public sealed record CommittedBlock(ulong Height, Hash32 Hash, int TransactionCount, ValidatorSetUpdate? ValidatorUpdate);
