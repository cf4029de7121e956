using Google.Protobuf;
using GovChain.Core.Hashing;
using GovChain.Core.State;
using GovChain.Protocol;
using GovChain.Storage.Engine;

namespace GovChain.Storage.State;

/// <summary>Reads of the state: values at a height, proofs, and full enumeration.</summary>
internal sealed partial class StateStore
{
    /// <summary>The newest version of a key at or below some height: its value (null when deleted) and that version.</summary>
    private readonly record struct StoredValue(ulong Version, byte[]? Value);

    internal byte[]? Get(ReadOnlySpan<byte> key, ulong height)
    {
        CheckReadable(height);
        if (_values.TryGet(key, height, out _, out var value))
        {
            StorageMetrics.StateRead(cached: true);
            return value;
        }

        var keyHash = StateTreeHashing.KeyHash(key);
        using (var cursor = _kv.OpenCursor(Column.StateValues))
        {
            var stored = ReadCurrent(cursor, keyHash, key, height);
            value = stored?.Value;
            _values.Offer(key, height, stored?.Version ?? 0, value);
        }

        StorageMetrics.StateRead(cached: false);

        // Pruning may have passed this height while we read; an answer from a pruned height could be wrong.
        CheckReadable(height);
        return value;
    }

    /// <summary>
    /// The newest version of a key at or below <paramref name="height"/>, from the value cache
    /// when it can answer, else through <paramref name="cursor"/> (and then offered to the cache).
    /// </summary>
    private StoredValue? ReadLatest(IKeyValueCursor cursor, in Hash32 keyHash, ReadOnlySpan<byte> key, ulong height)
    {
        if (_values.TryGet(key, height, out var version, out var value))
        {
            // Version 0 without a value is a key never written (the genesis state deletes nothing).
            return value is null && version == 0 ? null : new StoredValue(version, value);
        }

        var stored = ReadCurrent(cursor, keyHash, key, height);
        _values.Offer(key, height, stored?.Version ?? 0, stored?.Value);
        return stored;
    }

    /// <summary>Positions <paramref name="cursor"/> on the newest version of the key at or below <paramref name="height"/>.</summary>
    private static StoredValue? ReadCurrent(IKeyValueCursor cursor, in Hash32 keyHash, ReadOnlySpan<byte> key, ulong height)
    {
        Span<byte> seek = stackalloc byte[StorageKeys.ValueKeySize];
        StorageKeys.WriteValueKey(seek, keyHash, height);
        cursor.Seek(seek);
        if (!cursor.Valid)
        {
            return null;
        }

        var found = cursor.Key;
        if (found.Length != StorageKeys.ValueKeySize || !found[..Hash32.Size].SequenceEqual(seek[..Hash32.Size]))
        {
            return null;
        }

        var present = ValueRecord.Decode(cursor.Value, out var storedKey, out var value);
        if (!storedKey.SequenceEqual(key))
        {
            throw new StorageCorruptionException("A state value record holds another key than its hash says.");
        }

        return new StoredValue(StorageKeys.ReadValueVersion(found), present ? value.ToArray() : null);
    }

    public StateProof Prove(ReadOnlySpan<byte> key, ulong height)
    {
        if (key.Length is 0 or > StateTreeHashing.MaxKeyBytes)
        {
            throw new StorageException($"A state key must be 1 to {StateTreeHashing.MaxKeyBytes} bytes; got {key.Length}.");
        }

        CheckReadable(height);
        var keyHash = StateTreeHashing.KeyHash(key);
        var proof = new StateProof { Key = ByteString.CopyFrom(key), Height = height };
        using (var snapshot = _kv.OpenSnapshot())
        {
            var reader = new StateTreeReader(snapshot, _nodes);
            var node = RootAt(snapshot, height);
            var depth = 0;
            while (node.Kind == NodeKind.Internal)
            {
                var inner = reader.Read(node, depth, keyHash);
                var goRight = StateTreeHashing.Bit(keyHash, depth) == 1;
                proof.Siblings.Add(ByteString.CopyFrom((goRight ? inner.Left : inner.Right).Hash.ToArray()));
                node = goRight ? inner.Right : inner.Left;
                depth++;
            }

            if (node.Kind == NodeKind.Leaf)
            {
                var leaf = reader.Read(node, depth, keyHash);
                if (leaf.KeyHash == keyHash)
                {
                    using var cursor = snapshot.OpenCursor(Column.StateValues);
                    var value = ReadCurrent(cursor, keyHash, key, height)?.Value
                        ?? throw new StorageCorruptionException("The state tree holds a key the value history lacks.");
                    if (StateTreeHashing.ValueHash(value) != leaf.ValueHash)
                    {
                        throw new StorageCorruptionException("A stored state value does not match its hash in the state tree.");
                    }

                    proof.Exists = true;
                    proof.Value = ByteString.CopyFrom(value);
                }
                else
                {
                    proof.OtherKeyHash = ByteString.CopyFrom(leaf.KeyHash.ToArray());
                    proof.OtherValueHash = ByteString.CopyFrom(leaf.ValueHash.ToArray());
                }
            }
        }

        CheckReadable(height);
        StorageMetrics.ProofGenerated();
        return proof;
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> Enumerate(ulong height)
    {
        CheckReadable(height);
        return EnumerateCore(height);
    }

    private IEnumerable<KeyValuePair<byte[], byte[]>> EnumerateCore(ulong height)
    {
        using var snapshot = _kv.OpenSnapshot();
        using var cursor = snapshot.OpenCursor(Column.StateValues);
        var decided = new byte[Hash32.Size];
        var haveDecided = false;
        cursor.SeekToFirst();
        for (; cursor.Valid; cursor.Next())
        {
            var key = cursor.Key;
            if (key.Length != StorageKeys.ValueKeySize)
            {
                throw new StorageCorruptionException("A state value key is malformed.");
            }

            // Versions of one key come newest first: the first at or below the height decides it.
            if ((haveDecided && key[..Hash32.Size].SequenceEqual(decided)) || StorageKeys.ReadValueVersion(key) > height)
            {
                continue;
            }

            key[..Hash32.Size].CopyTo(decided);
            haveDecided = true;
            if (ValueRecord.Decode(cursor.Value, out var storedKey, out var value))
            {
                yield return new KeyValuePair<byte[], byte[]>(storedKey.ToArray(), value.ToArray());
            }
        }

        CheckReadable(height);
    }

    /// <summary>The state at one height, through the value history.</summary>
    private sealed class StateReaderAt(StateStore store, ulong height) : IStateReader
    {
        public byte[]? Get(ReadOnlySpan<byte> key) => store.Get(key, height);
    }
}
