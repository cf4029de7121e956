namespace GovChain.Contracts.Engine;

/// <summary>
/// A deterministic refusal by a contract or the engine. It ends the call, discards its writes
/// and becomes the receipt's code and message, identical on every node.
/// </summary>
internal sealed class ContractException : Exception
{
    public ContractException(ResultCode code, string message)
        : base(message)
    {
        Code = code;
    }

    public ResultCode Code { get; }
}
