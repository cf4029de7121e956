using Microsoft.Extensions.Logging;

namespace GovChain.Node.Consensus;

/// <summary>Log messages of the consensus driver (event ids 7100-7199).</summary>
public sealed partial class ConsensusDriver
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "Consensus started at height {Height} (signing: {Signing})")]
    private static partial void LogMachineStarted(ILogger logger, ulong height, bool signing);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Restored {Records} WAL records at height {Height}")]
    private static partial void LogWalRestored(ILogger logger, ulong height, int records);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Debug, Message = "Proposing at height {Height} round {Round} with {TxCount} transactions")]
    private static partial void LogProposing(ILogger logger, ulong height, uint round, int txCount);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Warning, Message = "Invalid proposal at height {Height} round {Round} ({Hash}): {Reason}")]
    private static partial void LogInvalidProposal(ILogger logger, ulong height, uint round, string hash, string reason);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Warning, Message = "Equivocation evidence ({Kind}) kept for a block after height {Height}")]
    private static partial void LogEvidence(ILogger logger, string kind, ulong height);

    [LoggerMessage(EventId = 7106, Level = LogLevel.Information, Message = "Behind at height {Height}: peers are at {PeersHeight}; syncing")]
    private static partial void LogBehind(ILogger logger, ulong height, ulong peersHeight);

    [LoggerMessage(EventId = 7107, Level = LogLevel.Information, Message = "Block sync applied heights {From} to {To}")]
    private static partial void LogSynced(ILogger logger, ulong from, ulong to);

    [LoggerMessage(EventId = 7108, Level = LogLevel.Warning, Message = "Block sync stopped at height {Height}: {Reason}")]
    private static partial void LogSyncFailed(ILogger logger, ulong height, string reason);

    [LoggerMessage(EventId = 7109, Level = LogLevel.Warning, Message = "Block sync refused block {Height}: {Reason}")]
    private static partial void LogSyncRejected(ILogger logger, ulong height, string reason);

    [LoggerMessage(EventId = 7110, Level = LogLevel.Warning, Message = "Fresh database and peers are at height {PeersHeight}: following without signing until caught up")]
    private static partial void LogFollowing(ILogger logger, ulong peersHeight);

    [LoggerMessage(EventId = 7115, Level = LogLevel.Warning, Message = "Fresh database: peers with {Power} of {TotalPower} voting power claim heights up to {Claimed}, too little to prove the chain is past genesis; starting it")]
    private static partial void LogClaimsTooWeak(ILogger logger, ulong claimed, ulong power, ulong totalPower);

    [LoggerMessage(EventId = 7111, Level = LogLevel.Information, Message = "Caught up and decided a height live; signing again from height {Height}")]
    private static partial void LogRejoined(ILogger logger, ulong height);

    [LoggerMessage(EventId = 7112, Level = LogLevel.Critical, Message = "Consensus loop stopped on an error; restart the node")]
    private static partial void LogFault(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7113, Level = LogLevel.Warning, Message = "Peer {Validator} reported: {Reason}")]
    private static partial void LogPeerReported(ILogger logger, string validator, string reason);

    [LoggerMessage(EventId = 7114, Level = LogLevel.Warning, Message = "Ignoring the height claims of peer {Validator} for {SuspensionMs} ms: it claimed height {Height} and served nothing in {Attempts} block-sync passes")]
    private static partial void LogClaimSuspended(ILogger logger, string validator, ulong height, int attempts, long suspensionMs);

    [LoggerMessage(EventId = 7117, Level = LogLevel.Information, Message = "From height {Height} the validator set lists another key of this department: signing with it")]
    private static partial void LogSignerRotated(ILogger logger, ulong height);

    [LoggerMessage(EventId = 7118, Level = LogLevel.Error, Message = "The peer layer failed to follow the membership of height {Height}")]
    private static partial void LogMembershipFailed(ILogger logger, ulong height, Exception exception);
}
