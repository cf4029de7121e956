using Google.Protobuf;

namespace GovChain.Contracts.Engine;

/// <summary>
/// What a contract may know about the block it runs in: the only source of time and height
/// during execution. <paramref name="TimeUnixMs"/> is the header's time_unix_ms.
/// </summary>
public readonly record struct BlockContext(string ChainId, ulong Height, long TimeUnixMs, ByteString Proposer)
{
    /// <summary>Context of a read-only query: no block, height 0.</summary>
    internal static BlockContext ForQuery => new(string.Empty, 0, 0, ByteString.Empty);
}
