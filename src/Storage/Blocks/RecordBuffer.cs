using Google.Protobuf;

namespace GovChain.Storage.Blocks;

/// <summary>
/// One buffer, reused by every append (which runs under the commit lock), that a transaction
/// or receipt is serialized into once and framed with its checksum in place: the write batch
/// copies the bytes, so nothing per record is allocated. A record larger than the bound gets
/// a buffer of its own rather than growing this one for good.
/// </summary>
internal sealed class RecordBuffer
{
    /// <summary>The largest the reused buffer grows; blocks are bounded to a few MiB, records far below.</summary>
    public const int MaxReusedBytes = 1024 * 1024;

    private byte[] _buffer = new byte[16 * 1024];

    /// <summary>The framed record (checksum, then the message) and, inside it, the message bytes alone.</summary>
    public Span<byte> Frame(IMessage message, out ReadOnlySpan<byte> payload)
    {
        var size = message.CalculateSize();
        var length = Checksummed.Size + size;
        byte[] target;
        if (length <= _buffer.Length)
        {
            target = _buffer;
        }
        else if (length <= MaxReusedBytes)
        {
            _buffer = new byte[Math.Max(length, Math.Min(MaxReusedBytes, _buffer.Length * 2))];
            target = _buffer;
        }
        else
        {
            target = new byte[length];
        }

        var framed = target.AsSpan(0, length);
        message.WriteTo(framed[Checksummed.Size..]);
        Checksummed.Seal(framed);
        payload = framed[Checksummed.Size..];
        return framed;
    }
}
