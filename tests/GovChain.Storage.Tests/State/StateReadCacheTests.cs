using System.Text;
using GovChain.Core.State;
using GovChain.Storage.CrashChild;
using GovChain.Storage.Tests.Contract;

namespace GovChain.Storage.Tests.State;

/// <summary>
/// Reads through the state store's value cache agree with the value history at every height:
/// after sets, deletes and re-sets, at old heights read after newer commits, across a reopen,
/// and while another thread commits.
/// </summary>
public sealed class StateReadCacheTests
{
    private const int KeySpace = 12;

    public static TheoryData<string> Engines => new() { "memory", "rocks" };

    private static IStoreFactory Factory(string engine) => engine == "rocks" ? new RocksStoreFactory() : new MemoryStoreFactory();

    private static byte[] Key(int k) => Encoding.UTF8.GetBytes($"record/{k}");

    /// <summary>The changes of a height and the whole expected state after each one.</summary>
    private static (List<StateChanges> Blocks, List<Dictionary<int, string?>> States) Script(int heights, int seed)
    {
        var random = new Random(seed);
        var blocks = new List<StateChanges> { new() };
        var states = new List<Dictionary<int, string?>> { new() };
        for (var h = 1; h <= heights; h++)
        {
            var state = new Dictionary<int, string?>(states[^1]);
            var changes = new StateChanges();
            foreach (var k in Enumerable.Range(0, KeySpace).Where(_ => random.Next(3) == 0))
            {
                // Deletes, re-sets and writes of the value the key already has all occur.
                var value = random.Next(4) switch
                {
                    0 => null,
                    1 => state.GetValueOrDefault(k),
                    _ => $"v{h}.{k}",
                };
                if (value is null)
                {
                    changes.Delete(Key(k));
                }
                else
                {
                    changes.Set(Key(k), Encoding.UTF8.GetBytes(value));
                }

                state[k] = value;
            }

            blocks.Add(changes);
            states.Add(state);
        }

        return (blocks, states);
    }

    private static void AssertStateAt(NodeDatabase db, ulong height, Dictionary<int, string?> expected)
    {
        var reader = db.State.At(height);
        for (var k = 0; k < KeySpace; k++)
        {
            var want = expected.GetValueOrDefault(k);
            var got = reader.Get(Key(k));
            Assert.True(want is null ? got is null : got is not null && Encoding.UTF8.GetString(got) == want,
                $"key {k} at height {height}: expected {want ?? "(absent)"}, read {(got is null ? "(absent)" : Encoding.UTF8.GetString(got))}");
        }
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Get_AtEveryHeightAfterEachCommit_MatchesTheHistory(string engine)
    {
        using var factory = Factory(engine);
        using var db = factory.Open();
        var (blocks, states) = Script(30, seed: 17);
        for (var h = 1; h < blocks.Count; h++)
        {
            // Reading the latest state first warms the cache with entries the commit must replace.
            AssertStateAt(db, (ulong)h - 1, states[h - 1]);
            ChainWriter.AppendNext(db, 0, blocks[h]);
            for (var old = 0; old <= h; old++)
            {
                AssertStateAt(db, (ulong)old, states[old]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Prepare_AfterCachedReads_GivesTheRootOfAFreshDatabase(string engine)
    {
        using var factory = Factory(engine);
        using var warmed = factory.Open();
        using var cold = factory.Open();
        var (blocks, states) = Script(25, seed: 5);
        for (var h = 1; h < blocks.Count; h++)
        {
            AssertStateAt(warmed, (ulong)h - 1, states[h - 1]);
            ChainWriter.AppendNext(warmed, 0, blocks[h]);
            ChainWriter.AppendNext(cold, 0, blocks[h]);
            Assert.Equal(cold.State.Root, warmed.State.Root);
        }

        // Stale-value bookkeeping read from the cache must match what the store alone gives.
        Assert.Equal(cold.State.Enumerate(cold.State.Height).Count(), warmed.State.Enumerate(warmed.State.Height).Count());
    }

    [Fact]
    public void Get_AfterReopen_ReadsTheCommittedValues()
    {
        var (blocks, states) = Script(12, seed: 3);
        using var directory = new TempDirectory();
        var path = directory.Sub("db");
        using (var db = NodeDatabase.Open(path, ChainWriter.ChainId, ChainWriter.GenesisHash))
        {
            for (var h = 1; h < blocks.Count; h++)
            {
                AssertStateAt(db, (ulong)h - 1, states[h - 1]);
                ChainWriter.AppendNext(db, 0, blocks[h]);
            }
        }

        using var reopened = NodeDatabase.Open(path, ChainWriter.ChainId, ChainWriter.GenesisHash);
        for (var h = 0; h < blocks.Count; h++)
        {
            AssertStateAt(reopened, (ulong)h, states[h]);
        }

        ChainWriter.AppendNext(reopened, 0, new StateChanges());
        AssertStateAt(reopened, (ulong)blocks.Count, states[^1]);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Get_WhileAnotherThreadCommits_AlwaysMatchesTheHeightRead(string engine)
    {
        using var factory = Factory(engine);
        using var db = factory.Open();
        var (blocks, states) = Script(60, seed: 11);
        using var done = new CancellationTokenSource();
        var reads = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            // Each pass reads one height in full; the loop ends when the writer is done (bounded by it).
            do
            {
                var height = db.State.Height;
                AssertStateAt(db, height, states[(int)height]);
                Interlocked.Increment(ref reads);
            }
            while (!done.IsCancellationRequested);
        })).ToArray();

        try
        {
            for (var h = 1; h < blocks.Count; h++)
            {
                ChainWriter.AppendNext(db, 0, blocks[h]);
            }
        }
        finally
        {
            await done.CancelAsync();
        }

        await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(reads > 0);
        AssertStateAt(db, db.State.Height, states[^1]);
    }
}
