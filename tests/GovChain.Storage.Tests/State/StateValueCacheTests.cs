using System.Text;
using GovChain.Storage.State;

namespace GovChain.Storage.Tests.State;

/// <summary>The value cache's own rules: when it may answer, what it refuses to keep, and its bound.</summary>
public sealed class StateValueCacheTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void TryGet_BeforeAnyCommit_Misses()
    {
        var cache = new StateValueCache(100, 1 << 20);
        cache.Offer(B("k"), 0, 0, B("v"));

        Assert.False(cache.TryGet(B("k"), 0, out _, out _));
        Assert.Null(cache.Height);
    }

    [Fact]
    public void TryGet_CommittedKey_AnswersFromItsVersionOnAndMissesBelow()
    {
        var cache = new StateValueCache(100, 1 << 20);
        cache.Commit(4, []);
        cache.Commit(5, [(B("k"), B("v5"))]);

        Assert.True(cache.TryGet(B("k"), 5, out var version, out var value));
        Assert.Equal(5UL, version);
        Assert.Equal(B("v5"), value);

        // Height 4 had another value (or none): only the store knows it.
        Assert.False(cache.TryGet(B("k"), 4, out _, out _));
    }

    [Fact]
    public void TryGet_AboveTheCacheHeight_Misses()
    {
        var cache = new StateValueCache(100, 1 << 20);
        cache.Commit(3, [(B("k"), B("v"))]);

        Assert.False(cache.TryGet(B("k"), 4, out _, out _));
    }

    [Fact]
    public void Offer_FromAHeightACommitHasPassed_IsNotKept()
    {
        var cache = new StateValueCache(100, 1 << 20);
        cache.Commit(7, []);

        // A reader read "old" at height 7 from the store, then block 8 changed the key before
        // the reader offered it: keeping it would answer height 8 with the old value.
        cache.Commit(8, [(B("k"), B("new"))]);
        cache.Offer(B("k"), 7, 2, B("old"));

        Assert.True(cache.TryGet(B("k"), 8, out var version, out var value));
        Assert.Equal(8UL, version);
        Assert.Equal(B("new"), value);
    }

    [Fact]
    public void Offer_AtTheCurrentHeight_IsKeptThenReplacedByTheNextCommit()
    {
        var cache = new StateValueCache(100, 1 << 20);
        cache.Commit(7, []);
        cache.Offer(B("k"), 7, 2, B("old"));
        cache.Offer(B("absent"), 7, 0, null);

        Assert.True(cache.TryGet(B("k"), 7, out var version, out var value));
        Assert.Equal(2UL, version);
        Assert.Equal(B("old"), value);
        Assert.True(cache.TryGet(B("k"), 3, out _, out value));
        Assert.Equal(B("old"), value);
        Assert.True(cache.TryGet(B("absent"), 7, out _, out var absent));
        Assert.Null(absent);

        cache.Commit(8, [(B("k"), null)]);
        Assert.True(cache.TryGet(B("k"), 8, out version, out value));
        Assert.Equal(8UL, version);
        Assert.Null(value);
        Assert.False(cache.TryGet(B("k"), 7, out _, out _));
    }

    [Fact]
    public void Commit_OfAHeightThatIsNotTheNext_ForgetsEverything()
    {
        var cache = new StateValueCache(100, 1 << 20);
        cache.Commit(1, [(B("a"), B("1"))]);
        cache.Commit(5, [(B("b"), B("5"))]);

        Assert.False(cache.TryGet(B("a"), 5, out _, out _));
        Assert.True(cache.TryGet(B("b"), 5, out _, out _));
    }

    [Fact]
    public void TryGet_CallerMutatesTheArray_CacheKeepsItsOwnCopy()
    {
        var cache = new StateValueCache(100, 1 << 20);
        var offered = B("value");
        cache.Commit(1, []);
        cache.Offer(B("k"), 1, 1, offered);
        offered[0] = (byte)'X';

        Assert.True(cache.TryGet(B("k"), 1, out _, out var first));
        first![1] = (byte)'Y';
        Assert.True(cache.TryGet(B("k"), 1, out _, out var second));
        Assert.Equal(B("value"), second);
    }

    [Fact]
    public void Commit_ManyKeys_StaysWithinItsEntryAndByteBounds()
    {
        var byEntries = new StateValueCache(64, 1 << 30);
        var byBytes = new StateValueCache(1_000_000, 64 * 1024);
        for (var h = 1UL; h <= 200; h++)
        {
            var changed = Enumerable.Range(0, 50).Select(i => (B($"key/{h}/{i}"), (byte[]?)new byte[100])).ToList();
            byEntries.Commit(h, changed);
            byBytes.Commit(h, changed);
            Assert.True(byEntries.Count <= 64, $"{byEntries.Count} entries held, the bound is 64");

            // Each entry counts at least its 100-byte value: the byte bound caps the count too.
            Assert.True(byBytes.Count * 100 <= 64 * 1024, $"{byBytes.Count} entries of 100 bytes held, the bound is 64 KiB");
        }

        // The newest keys are the ones kept.
        Assert.True(byEntries.TryGet(B("key/200/49"), 200, out _, out _));
        Assert.False(byEntries.TryGet(B("key/1/0"), 200, out _, out _));
    }
}
