using GovChain.Cli.Infrastructure;
using Grpc.Core;

namespace GovChain.Cli.Infrastructure;

/// <summary>
/// Exit codes of every command, one meaning each, so a script can tell its own mistake from the
/// node's refusal, an unreachable node, or the registry's "no". README's CLI section lists them.
/// </summary>
internal static class ExitCodes
{
    /// <summary>A bad option, argument, key file or passphrase.</summary>
    public const int BadInput = 1;

    /// <summary>'node run': the node's configuration file is missing or invalid.</summary>
    public const int BadConfiguration = 2;

    /// <summary>A native library that ships inside a package (RocksDB, libsodium) has no build for this platform or cannot load: the message says which.</summary>
    public const int NativeLibraryMissing = 3;

    /// <summary>A proof that does not hold (tampered, of another chain, corrupt).</summary>
    public const int NotProven = 4;

    /// <summary>Some node of the network did not answer ('status', 'localnet status').</summary>
    public const int NodesDown = 5;

    /// <summary>The node refused the request itself (a malformed transaction, a used nonce, a full mempool).</summary>
    public const int NodeRefused = 6;

    /// <summary>The node could not be reached, or did not answer (or commit) within the timeout; an import stopped part-way for that reason.</summary>
    public const int Unreachable = 7;

    /// <summary>The registry said no: the contract refused the transaction, the record does not exist, the credential is not valid, an import row was refused.</summary>
    public const int RegistryRefused = 8;

    /// <summary>'node run': the node's storage failed (corrupt or unwritable data directory).</summary>
    public const int StorageFailed = 9;

    /// <summary>'node run': the node stopped on a consensus or execution fault; a restart rebuilds it from its WAL and database.</summary>
    public const int NodeFaulted = 10;

    /// <summary>Ctrl+C or SIGTERM stopped the command.</summary>
    public const int Interrupted = 130;

    public const string HelpText = "Exit codes: 0 done; 1 bad input; 6 the node refused the request; 7 node unreachable or no commit in time; 8 the registry refused (contract error, unknown record, invalid credential).";

    /// <summary>The one-line error an RPC failure becomes.</summary>
    public static CliError FromRpc(RpcException ex, Uri? node)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var name = node is null ? "the node" : $"node {node}";
        return ex.StatusCode switch
        {
            StatusCode.Unavailable => new CliError($"{name} is unreachable: {ex.Status.Detail}", Unreachable),
            StatusCode.DeadlineExceeded => new CliError($"{name} did not answer in time: {ex.Status.Detail}", Unreachable),
            StatusCode.NotFound => new CliError(ex.Status.Detail, RegistryRefused),
            StatusCode.PermissionDenied or StatusCode.FailedPrecondition when IsContractAnswer(ex) => new CliError(ex.Status.Detail, RegistryRefused),
            StatusCode.InvalidArgument when IsContractAnswer(ex) => new CliError(ex.Status.Detail, BadInput),
            _ => new CliError($"the node refused ({ex.StatusCode}): {ex.Status.Detail}", NodeRefused),
        };
    }

    /// <summary>A query's contract error carries the contract's result code in a trailer.</summary>
    private static bool IsContractAnswer(RpcException ex) => ex.Trailers.GetValue("govchain-result-code") is not null;
}
