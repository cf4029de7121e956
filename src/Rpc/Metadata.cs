using System.Collections;

namespace GovChain.Rpc;

/// <summary>
/// Custom metadata of a call (request headers, response headers or trailers). Keys are
/// lower-case; a key ending in <c>-bin</c> carries bytes (base64 on the wire), any other key
/// carries printable ASCII. A key may appear more than once, in order.
/// </summary>
public sealed class Metadata : IReadOnlyList<Metadata.Entry>
{
    public const string BinarySuffix = "-bin";

    /// <summary>An upper bound on entries, so a peer cannot grow a call's metadata without limit.</summary>
    public const int MaxEntries = 256;

    private readonly List<Entry> _entries = [];

    public int Count => _entries.Count;

    public Entry this[int index] => _entries[index];

    /// <summary>Adds an ASCII entry; the key must not end in <c>-bin</c> nor use the reserved <c>grpc-</c> prefix.</summary>
    public Metadata Add(string key, string value)
    {
        key = ValidateUserKey(key);
        if (IsBinaryKey(key))
        {
            throw new ArgumentException($"metadata key '{key}' ends in '-bin' and needs a byte[] value", nameof(key));
        }

        ArgumentNullException.ThrowIfNull(value);
        if (!IsValidAsciiValue(value))
        {
            throw new ArgumentException($"metadata value of '{key}' must be printable ASCII (0x20-0x7E)", nameof(value));
        }

        AddChecked(new Entry(key, value, null));
        return this;
    }

    /// <summary>Adds a binary entry; the key must end in <c>-bin</c>.</summary>
    public Metadata Add(string key, byte[] value)
    {
        key = ValidateUserKey(key);
        if (!IsBinaryKey(key))
        {
            throw new ArgumentException($"binary metadata key '{key}' must end in '-bin'", nameof(key));
        }

        ArgumentNullException.ThrowIfNull(value);
        AddChecked(new Entry(key, null, (byte[])value.Clone()));
        return this;
    }

    /// <summary>The first ASCII value of <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key)
    {
        foreach (var entry in _entries)
        {
            if (!entry.IsBinary && string.Equals(entry.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return entry.Value;
            }
        }

        return null;
    }

    /// <summary>The first binary value of <paramref name="key"/>, or null.</summary>
    public byte[]? GetBytes(string key)
    {
        foreach (var entry in _entries)
        {
            if (entry.IsBinary && string.Equals(entry.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return entry.ValueBytes;
            }
        }

        return null;
    }

    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public static bool IsBinaryKey(string key) => key.EndsWith(BinarySuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Adds an entry read from the wire (already decoded), without the reserved-prefix rule.</summary>
    internal void AddReceived(string key, string? value, byte[]? bytes)
    {
        if (_entries.Count >= MaxEntries)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"more than {MaxEntries} metadata entries");
        }

        _entries.Add(new Entry(key.ToLowerInvariant(), value, bytes));
    }

    internal static bool IsValidKey(string key)
    {
        if (key.Length == 0)
        {
            return false;
        }

        foreach (var c in key)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    internal static bool IsValidAsciiValue(string value)
    {
        foreach (var c in value)
        {
            if (c is < (char)0x20 or > (char)0x7E)
            {
                return false;
            }
        }

        return true;
    }

    private static string ValidateUserKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var lower = key.ToLowerInvariant();
        if (!IsValidKey(lower))
        {
            throw new ArgumentException($"metadata key '{key}' may hold only a-z, 0-9, '-', '_' and '.'", nameof(key));
        }

        if (lower.StartsWith("grpc-", StringComparison.Ordinal) || GrpcWire.IsReservedHeader(lower))
        {
            throw new ArgumentException($"metadata key '{key}' is reserved by the gRPC protocol", nameof(key));
        }

        return lower;
    }

    private void AddChecked(Entry entry)
    {
        if (_entries.Count >= MaxEntries)
        {
            throw new InvalidOperationException($"metadata holds at most {MaxEntries} entries");
        }

        _entries.Add(entry);
    }

    /// <summary>One key and its value: <see cref="Value"/> for ASCII keys, <see cref="ValueBytes"/> for <c>-bin</c> keys.</summary>
    public sealed class Entry
    {
        internal Entry(string key, string? value, byte[]? valueBytes)
        {
            Key = key;
            Value = value;
            ValueBytes = valueBytes;
        }

        public string Key { get; }

        public string? Value { get; }

        public byte[]? ValueBytes { get; }

        public bool IsBinary => ValueBytes is not null;

        public override string ToString() =>
            IsBinary ? $"{Key}: {Convert.ToBase64String(ValueBytes!)}" : $"{Key}: {Value}";
    }
}
