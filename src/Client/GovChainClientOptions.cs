namespace GovChain.Client;

/// <summary>How a <see cref="GovChainClient"/> connects, how long its calls may take and how it retries.</summary>
public sealed class GovChainClientOptions
{
    /// <summary>
    /// Largest message the SDK accepts by default: a committed block with its certificate and
    /// receipts as a node sends it (GetBlock, StreamBlocks) for block limits up to 16 MiB.
    /// </summary>
    public const int DefaultMaxReceiveMessageBytes = 64 * 1024 * 1024;

    /// <summary>TLS trust, message limits and keep-alive of the client's <see cref="Grpc.Net.Client.GrpcChannel"/> (unused when the caller passes its own channel).</summary>
    public GovChainChannelOptions Channel { get; set; } = new();

    /// <summary>Deadline of a call that names none (retries included).</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deadline of waiting for a transaction's commit when the caller names none.</summary>
    public TimeSpan DefaultWaitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public RetryPolicy Retry { get; set; } = RetryPolicy.Default;

    /// <summary>Clock for back-off delays; tests may pass their own.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Called before each back-off wait, e.g. to log it; the client waits for it to finish.</summary>
    public Func<RetryAttempt, Task>? OnRetry { get; set; }

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Channel);
        ArgumentNullException.ThrowIfNull(Retry);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        Retry.Validate();
        if (DefaultTimeout <= TimeSpan.Zero || DefaultWaitTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Timeouts must be positive.");
        }
    }
}
