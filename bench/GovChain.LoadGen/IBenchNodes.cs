namespace GovChain.LoadGen;

/// <summary>The four nodes of a run, however they are hosted; disposing stops every one of them.</summary>
internal interface IBenchNodes : IAsyncDisposable
{
    /// <summary>"processes" (one operating-system process per node) or "in-process".</summary>
    string Mode { get; }

    /// <summary>Starts every node and returns once each serves its client API, or throws when one does not within <paramref name="limit"/>.</summary>
    Task StartAllAsync(TimeSpan limit, CancellationToken ct);

    /// <summary>CPU time node <paramref name="i"/> has used so far; null when it cannot be told apart (nodes sharing a process) or has gone.</summary>
    TimeSpan? CpuTime(int i);
}
