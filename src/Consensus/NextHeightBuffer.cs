using GovChain.Protocol;

namespace GovChain.Consensus;

/// <summary>
/// Messages for the next height, kept until this node enters it. Bounded by count and by
/// bytes, and each validator of the current set holds at most an equal share of both, so
/// one validator flooding next-height messages cannot crowd out the others' (a validator's
/// messages for one height are the same handful whatever its power, hence equal shares).
/// </summary>
internal sealed class NextHeightBuffer
{
    private readonly int _maxMessages;
    private readonly long _maxBytes;
    private readonly List<(int Validator, ConsensusMessage Message)> _messages = [];
    private int[] _countOf = [];
    private long[] _bytesOf = [];
    private long _bytes;

    public NextHeightBuffer(int maxMessages, long maxBytes)
    {
        _maxMessages = maxMessages;
        _maxBytes = maxBytes;
    }

    public int Count => _messages.Count;

    public long Bytes => _bytes;

    /// <summary>Sizes the shares for a set of <paramref name="validatorCount"/> and empties the buffer.</summary>
    public void Reset(int validatorCount)
    {
        _messages.Clear();
        _countOf = new int[validatorCount];
        _bytesOf = new long[validatorCount];
        _bytes = 0;
    }

    /// <summary>
    /// True when <paramref name="message"/> of <paramref name="bytes"/> encoded bytes would fit
    /// validator <paramref name="validator"/>'s share and the whole buffer.
    /// </summary>
    public bool Fits(int validator, long bytes)
    {
        var count = _countOf.Length;
        var messageShare = Math.Max(1, _maxMessages / count);
        var byteShare = _maxBytes / count;
        return _messages.Count < _maxMessages && _bytes + bytes <= _maxBytes
            && _countOf[validator] < messageShare && _bytesOf[validator] + bytes <= byteShare;
    }

    /// <summary>
    /// True when this validator's share already holds a message with this signature: an exact
    /// copy (signing is deterministic), as retransmission sends every period.
    /// </summary>
    public bool Holds(int validator, ReadOnlySpan<byte> signature)
    {
        if (_countOf[validator] == 0)
        {
            return false;
        }

        foreach (var (v, message) in _messages)
        {
            if (v == validator && SignatureOf(message).Span.SequenceEqual(signature))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Keeps a message <see cref="Fits"/> said fits.</summary>
    public void Add(int validator, ConsensusMessage message, long bytes)
    {
        _messages.Add((validator, message));
        _countOf[validator]++;
        _bytesOf[validator] += bytes;
        _bytes += bytes;
    }

    /// <summary>The buffered messages in arrival order; the buffer is empty afterwards.</summary>
    public ConsensusMessage[] Take()
    {
        var taken = new ConsensusMessage[_messages.Count];
        for (var i = 0; i < taken.Length; i++)
        {
            taken[i] = _messages[i].Message;
        }

        _messages.Clear();
        Array.Clear(_countOf);
        Array.Clear(_bytesOf);
        _bytes = 0;
        return taken;
    }

    private static Google.Protobuf.ByteString SignatureOf(ConsensusMessage message) =>
        message.KindCase == ConsensusMessage.KindOneofCase.Vote ? message.Vote.Signature : message.Proposal.Signature;
}
