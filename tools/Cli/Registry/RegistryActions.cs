using System.CommandLine;
using GovChain.Cli.Connection;
using GovChain.Client;
using GovChain.Core.Crypto;

namespace GovChain.Cli.Registry;

/// <summary>What a write command's action is given: its parse result, the node, the signer's key.</summary>
internal sealed record WriteContext(ParseResult Result, NodeSession Session, KeyPair Signer, CancellationToken CancellationToken)
{
    public Task<TransactionOutcome> ExecuteAsync(ContractCall call) => NodeCalls.ExecuteAsync(Session, Signer, call, CancellationToken);
}

/// <summary>How registry commands are wired: options, connection and signer set up once, here.</summary>
internal static class RegistryActions
{
    /// <summary>A command that signs and submits the call <paramref name="build"/> makes, then reports the receipt.</summary>
    public static Command OnCall(this Command command, Func<WriteContext, ContractCall> build, Func<WriteContext, string?>? success = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        return command.OnWrite(async ctx =>
        {
            var outcome = await ctx.ExecuteAsync(build(ctx)).ConfigureAwait(false);
            return NodeCalls.Report(ctx.Result, outcome, outcome.Succeeded ? success?.Invoke(ctx) : null);
        });
    }

    /// <summary>A command that signs: <paramref name="run"/> decides what to submit and how to report it.</summary>
    public static Command OnWrite(this Command command, Func<WriteContext, Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(run);
        command.WithSigner();
        command.SetAction(async (result, cancellationToken) =>
        {
            using var session = NodeSession.Open(result);
            var signer = session.OpenSigner(result);
            return await run(new WriteContext(result, session, signer, cancellationToken)).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>A read-only command: no key, only a node.</summary>
    public static Command OnRead(this Command command, Func<ParseResult, NodeSession, CancellationToken, Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(run);
        command.WithConnection();
        command.SetAction(async (result, cancellationToken) =>
        {
            using var session = NodeSession.Open(result);
            return await run(result, session, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
