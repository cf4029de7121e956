using System.Text;
using Google.Protobuf;
using GovChain.Core.State;
using GovChain.Protocol;

namespace GovChain.Contracts.Engine;

/// <summary>
/// A contract's only window on the world during one call: the block, the signer, metered
/// reads of the state (its own pending writes first), metered writes into the call's own
/// change set, and events. A query context has no change set and refuses writes.
/// </summary>
internal sealed class CallContext
{
    private readonly IStateReader _reader;
    private readonly StateChanges? _writes;
    private readonly List<Event> _events = [];
    private readonly int _maxEvents;
    private readonly int _maxEventBytes;
    private int _eventBytes;

    internal CallContext(
        BlockContext block,
        ByteString sender,
        ByteString txId,
        IStateReader state,
        StateChanges? writes,
        StepMeter meter,
        int maxEvents,
        int maxEventBytes = int.MaxValue)
    {
        Block = block;
        Sender = sender;
        TxId = txId;
        _writes = writes;
        _reader = writes is null ? state : new LayeredStateReader(writes, state);
        Meter = meter;
        _maxEvents = maxEvents;
        _maxEventBytes = maxEventBytes;
    }

    public BlockContext Block { get; }

    /// <summary>Public key of the transaction's signer (empty in a query).</summary>
    public ByteString Sender { get; }

    public ByteString TxId { get; }

    public StepMeter Meter { get; }

    public bool IsReadOnly => _writes is null;

    /// <summary>Set by the system contract when departments' validator keys or power changed.</summary>
    public bool ValidatorSetChanged { get; internal set; }

    internal IReadOnlyList<Event> Events => _events;

    public T ParseArgs<T>(ByteString args, MessageParser<T> parser)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(parser);
        Meter.Charge(0, StepCosts.ArgsPerByte, args.Length);
        try
        {
            return parser.ParseFrom(args);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ContractException(ResultCode.MalformedArgs, $"arguments are not a valid {typeof(T).Name}: {ex.Message}");
        }
    }

    public byte[]? ReadRaw(byte[] key)
    {
        var value = _reader.Get(key);
        Meter.Charge(StepCosts.ReadBase, StepCosts.ReadPerByte, key.Length + (value?.Length ?? 0));
        return value;
    }

    public T? Read<T>(byte[] key, MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(parser);
        var value = ReadRaw(key);
        if (value is null)
        {
            return null;
        }

        try
        {
            return parser.ParseFrom(value);
        }
        catch (InvalidProtocolBufferException ex)
        {
            // Only contracts write these keys, so this is a corrupt store: halt rather than
            // let nodes diverge on a value some of them may read differently.
            throw new InvalidOperationException($"State at '{Encoding.UTF8.GetString(key)}' is not a valid {typeof(T).Name}.", ex);
        }
    }

    public bool Exists(byte[] key) => ReadRaw(key) is not null;

    public void Write(byte[] key, IMessage value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteRaw(key, value.ToByteArray());
    }

    public void WriteRaw(byte[] key, byte[] value)
    {
        var writes = Writable();
        Meter.Charge(StepCosts.WriteBase, StepCosts.WritePerByte, key.Length + value.Length);
        writes.Set(key, value);
    }

    public void Delete(byte[] key)
    {
        var writes = Writable();
        Meter.Charge(StepCosts.DeleteBase, StepCosts.WritePerByte, key.Length);
        writes.Delete(key);
    }

    /// <summary>Records an event for the receipt; attributes keep the order given.</summary>
    public void Emit(string contract, string name, params ReadOnlySpan<(string Key, string Value)> attributes)
    {
        if (_events.Count >= _maxEvents)
        {
            throw new ContractException(ResultCode.LimitExceeded, $"a transaction may emit at most {_maxEvents} events");
        }

        var e = new Event { Contract = contract, Name = name };
        var bytes = contract.Length + name.Length;
        foreach (var (key, value) in attributes)
        {
            e.Attributes.Add(new EventAttribute { Key = key, Value = value });
            bytes += key.Length + value.Length;
        }

        Meter.Charge(StepCosts.EventBase, StepCosts.EventPerByte, bytes);

        // Counted in characters, which every node counts alike: the receipt's bound need not be exact, only the same everywhere.
        _eventBytes += bytes;
        if (_eventBytes > _maxEventBytes)
        {
            throw new ContractException(ResultCode.LimitExceeded, $"a transaction's events may hold at most {_maxEventBytes} characters");
        }

        if (!IsReadOnly)
        {
            _events.Add(e);
        }
    }

    private StateChanges Writable() =>
        _writes ?? throw new ContractException(ResultCode.InvalidState, "a query cannot write state");
}
