

namespace GovChain.Grpc.ClientApi;

/// <summary>Limits of the client API; each one bounds what a single caller can hold on the node.</summary>
public sealed class ClientApiOptions
{
    /// <summary>Longest a WaitForTransaction call may wait when the caller set no (or a longer) deadline.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest contract name accepted as an event filter.</summary>
    public int MaxContractNameLength { get; set; } = 64;

    /// <summary>Longest contract or method name accepted by Query.</summary>
    public int MaxMethodNameLength { get; set; } = 64;

    /// <summary>Validator sets remembered by hash, so proofs need not re-query the state.</summary>
    public int ValidatorSetCacheSize { get; set; } = 16;

    /// <summary>Block and event streams served at once; more are refused with RESOURCE_EXHAUSTED.</summary>
    public int MaxConcurrentStreams { get; set; } = 1024;

    /// <summary>Block and event streams one client address may hold; more are refused with RESOURCE_EXHAUSTED.</summary>
    public int MaxStreamsPerClient { get; set; } = 32;

    /// <summary>WaitForTransaction calls waiting at once; more are refused with RESOURCE_EXHAUSTED.</summary>
    public int MaxConcurrentWaiters { get; set; } = 100_000;

    /// <summary>WaitForTransaction calls one client address may have waiting.</summary>
    public int MaxWaitersPerClient { get; set; } = 1024;

    public void Validate()
    {
        if (MaxWait <= TimeSpan.Zero || MaxContractNameLength <= 0 || MaxMethodNameLength <= 0 || ValidatorSetCacheSize <= 0 || MaxConcurrentStreams <= 0
            || MaxStreamsPerClient <= 0 || MaxConcurrentWaiters <= 0 || MaxWaitersPerClient <= 0)
        {
            throw new ArgumentException("Every client API limit must be positive.");
        }
    }
}
