using System.Buffers;

namespace GovChain.Rpc;

/// <summary>
/// A write-only stream over a pooled array, grown by doubling up to a hard limit; used as the
/// target of (de)compression so that compressed messages do not allocate fresh arrays.
/// </summary>
internal sealed class PooledBufferStream : Stream
{
    private readonly int _limit;
    private byte[] _buffer;
    private int _length;

    public PooledBufferStream(int initialCapacity, int limit = int.MaxValue)
    {
        _limit = limit;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
    }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        // Throwing stops a decompressor at once, so a small "gzip bomb" cannot burn CPU or memory.
        if ((long)_length + buffer.Length > _limit)
        {
            throw new RpcException(
                StatusCode.ResourceExhausted,
                $"decompressed message is larger than the limit of {_limit} bytes");
        }

        if (_length + buffer.Length > _buffer.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max((long)_buffer.Length * 2, (long)_length + buffer.Length), int.MaxValue));
            _buffer.AsSpan(0, _length).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = grown;
        }

        buffer.CopyTo(_buffer.AsSpan(_length));
        _length += buffer.Length;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _length = 0;
        }

        base.Dispose(disposing);
    }
}
