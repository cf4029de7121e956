using Google.Protobuf;

namespace GovChain.Contracts.Engine;

/// <summary>
/// A built-in contract. Each dispatches on the method name with an explicit switch: a
/// method is either a transaction method (may write) or a query (reads only), never both.
/// </summary>
internal abstract class Contract
{
    public abstract string Name { get; }

    /// <summary>Runs a transaction method; returns the encoded result (empty when none).</summary>
    public abstract ByteString Execute(CallContext ctx, string method, ByteString args);

    /// <summary>Runs a query method; returns the encoded result.</summary>
    public abstract ByteString Query(CallContext ctx, string method, ByteString args);

    protected ContractException UnknownMethod(string method) =>
        new(ResultCode.UnknownMethod, $"contract '{Name}' has no method '{Identifiers.Clip(method)}'");

    protected ContractException UnknownQuery(string method) =>
        new(ResultCode.UnknownMethod, $"contract '{Name}' has no query '{Identifiers.Clip(method)}'");
}
