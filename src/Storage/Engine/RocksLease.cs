using System.Runtime.InteropServices;

namespace GovChain.Storage.Engine;

/// <summary>
/// Keeps one RocksDbSharp object (the database, a snapshot, an iterator) alive while what was
/// opened on it is in use, and releases it only after them, whatever order they are disposed in.
/// RocksDbSharp releases each object when told, even while an iterator still reads from the
/// database or a snapshot; closing under a live iterator is a use-after-free in RocksDB.
/// A SafeHandle's reference count does the ordering (and its critical finaliser the cleanup
/// of a leaked cursor), so nothing here touches native memory itself.
/// </summary>
internal sealed class RocksLease : SafeHandle
{
    private readonly IDisposable _owned;
    private readonly Action? _afterRelease;
    private RocksLease? _parent;

    public RocksLease(IDisposable owned, RocksLease? parent = null, Action? afterRelease = null)
        : base(0, ownsHandle: true)
    {
        _owned = owned;
        _afterRelease = afterRelease;
        if (parent is not null)
        {
            var added = false;
            parent.DangerousAddRef(ref added);
            _parent = parent;
        }

        SetHandle(1);
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        _owned.Dispose();
        _afterRelease?.Invoke();
        _parent?.DangerousRelease();
        _parent = null;
        return true;
    }
}
