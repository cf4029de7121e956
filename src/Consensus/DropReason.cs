using System.Diagnostics.Metrics;

namespace GovChain.Consensus;

/// <summary>Why a received consensus message was not used.</summary>
public enum DropReason
{
    /// <summary>Undecodable bytes, missing fields, wrong lengths, wrong chain, wrong header height.</summary>
    Malformed = 0,
    /// <summary>Encoded message over the message bound, or a proposal whose block is over the block bound.</summary>
    TooLarge,
    BadSignature,
    NotValidator,

    /// <summary>A proposal signed by a validator that is not the proposer of its round.</summary>
    WrongProposer,

    /// <summary>For a height two or more above this node's (it may mean this node is behind).</summary>
    FarFutureHeight,

    /// <summary>For a round too far ahead to store (it still counts towards a round skip).</summary>
    FarFutureRound,

    /// <summary>For a height already decided here.</summary>
    StaleHeight,

    /// <summary>An exact copy of a message already counted.</summary>
    Duplicate,

    /// <summary>A second, different vote or proposal of one validator for one step: kept as evidence, not counted.</summary>
    Equivocation,

    /// <summary>The next-height buffer was full, or the sender's share of it.</summary>
    BufferFull,

    /// <summary>
    /// A proposal whose block body does not match what its signed header commits to. The body
    /// is not signed (a relay may have changed it): not held against the proposer, and a later
    /// correct copy is still accepted.
    /// </summary>
    BodyMismatch,
}

/// <summary>Counts of dropped messages by reason, for one machine; also published as a metric.</summary>
public sealed class DropCounters
{
    private static readonly Meter Meter = new("GovChain.Consensus");
    private static readonly Counter<long> DroppedCounter = Meter.CreateCounter<long>(
        "govchain.consensus.messages_dropped", unit: "{message}", description: "Consensus messages received and not used, by reason.");

    private static readonly string[] ReasonNames = Enum.GetNames<DropReason>();

    private readonly long[] _counts = new long[ReasonNames.Length];

    public long this[DropReason reason] => _counts[(int)reason];

    /// <summary>Every reason except exact duplicates, which are normal under retransmission.</summary>
    public long TotalRejected
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _counts.Length; i++)
            {
                if (i != (int)DropReason.Duplicate)
                {
                    sum += _counts[i];
                }
            }

            return sum;
        }
    }

    internal void Add(DropReason reason)
    {
        _counts[(int)reason]++;
        if (DroppedCounter.Enabled)
        {
            DroppedCounter.Add(1, new KeyValuePair<string, object?>("reason", ReasonNames[(int)reason]));
        }
    }

    public override string ToString() =>
        string.Join(", ", ReasonNames.Select((name, i) => $"{name}={_counts[i]}"));
}
