using GovChain.Storage;
using Microsoft.Extensions.Logging;

namespace GovChain.Node.Hosting;

/// <summary>
/// Failing fast: once the consensus loop stops on a fault the node is a zombie (its reads go
/// stale, the transactions it would take are never proposed), so it says so everywhere at once —
/// health NOT_SERVING, /healthz with the reason, submissions refused — and completes
/// <see cref="Faulted"/>, on which its host stops the process with a non-zero exit code for a
/// supervisor to restart it.
/// </summary>
public sealed partial class GovChainNode
{
    private readonly TaskCompletionSource<Exception> _faulted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _fault;

    /// <summary>The error consensus stopped on, once it did; null while it runs and after a clean stop.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>One line for operators and clients: why the node stopped serving.</summary>
    public string? FaultReason => Fault is { } fault ? Describe(fault) : null;

    /// <summary>Completes with the fault when consensus stops on one (never when the node is stopped cleanly).</summary>
    public Task<Exception> Faulted => _faulted.Task;

    /// <summary>True when the fault, or what caused it, is the storage's: the data directory failed rather than the code.</summary>
    public static bool IsStorageFault(Exception fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        for (var e = fault; e is not null; e = e.InnerException)
        {
            if (e is StorageException or IOException)
            {
                return true;
            }
        }

        return false;
    }

    private void ThrowIfFaulted()
    {
        if (Fault is { } fault)
        {
            throw new NodeFaultedException($"the node stopped on a fault and takes no transactions until it is restarted: {Describe(fault)}", fault);
        }
    }

    private async Task WatchConsensusAsync()
    {
        try
        {
            await Consensus.Completion.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            OnFault(ex);
            return;
        }

        if (Consensus.Fault is { } fault)
        {
            OnFault(fault);
        }
    }

    private void OnFault(Exception fault)
    {
        if (Interlocked.CompareExchange(ref _fault, fault, null) is not null)
        {
            return;
        }

        LogFaulted(_logger, DepartmentId, Database.Blocks.LastHeight, IsStorageFault(fault) ? "storage" : "consensus", Describe(fault), fault);
        _faulted.TrySetResult(fault);
    }

    private static string Describe(Exception fault) =>
        fault.InnerException is { } inner && fault is not StorageException
            ? $"{fault.Message} ({inner.Message})"
            : fault.Message;

    [LoggerMessage(EventId = 7202, Level = LogLevel.Critical,
        Message = "Node of {DepartmentId} stopped on a {FaultKind} fault at height {Height}: {Reason}. It serves NOT_SERVING, refuses transactions and exits so that a restart rebuilds it from its WAL and database")]
    private static partial void LogFaulted(ILogger logger, string departmentId, ulong height, string faultKind, string reason, Exception exception);
}
