using System.Collections.Concurrent;
using System.Diagnostics;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Core.State;
using GovChain.Core.Transactions;
using GovChain.Storage.CrashChild;
using Xunit.Abstractions;

namespace GovChain.Storage.Tests.Crash;

/// <summary>
/// Kills a real process appending blocks (SIGKILL, at random moments, 50 times) and checks after
/// each kill that nothing acknowledged was lost and nothing half-written is visible.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 50;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Append_KilledAtRandomMoments_LosesNothingAcknowledgedAndShowsNoPartialBlock()
    {
        var dir = _temp.Sub("db");
        var random = new Random(20261121);
        var acknowledged = new Dictionary<ulong, string>();
        ulong verifiedUpTo = 0;
        var appendsSeen = 0;

        for (var kill = 0; kill < Kills; kill++)
        {
            var lines = RunAndKill(dir, TimeSpan.FromMilliseconds(random.Next(150, 700)));
            foreach (var line in lines.Where(l => l.StartsWith("appended ", StringComparison.Ordinal)))
            {
                var parts = line.Split(' ');
                acknowledged[ulong.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)] = parts[2];
                appendsSeen++;
            }

            verifiedUpTo = Verify(dir, acknowledged, Math.Max(1, verifiedUpTo) - 1);
        }

        output.WriteLine($"{Kills} kills, {appendsSeen} acknowledged appends, chain at height {verifiedUpTo}");
        Assert.True(appendsSeen > Kills, $"the child acknowledged only {appendsSeen} appends; the kills did not interrupt real work");
        Verify(dir, acknowledged, 0);
    }

    [Fact]
    public void WalAppend_KilledAtRandomMoments_KeepsEveryAcknowledgedRecordAndOpensCleanly()
    {
        var dir = _temp.Sub("wal");
        var random = new Random(20261202);
        var acknowledged = new Dictionary<ulong, (ulong Height, string Hash)>();
        ulong truncatedBelow = 0;
        ulong mayBeTruncatedBelow = 0; // the child truncates after the 8th record of a height, maybe killed before saying so
        for (var kill = 0; kill < Kills / 2; kill++)
        {
            foreach (var parts in RunAndKill(dir, TimeSpan.FromMilliseconds(random.Next(100, 400)), "wal").Select(l => l.Split(' ')))
            {
                if (parts[0] == "logged")
                {
                    var sequence = ulong.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
                    var height = ulong.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                    acknowledged[sequence] = (height, parts[3]);
                    if (sequence % 8 == 7)
                    {
                        mayBeTruncatedBelow = Math.Max(mayBeTruncatedBelow, height);
                    }
                }
                else if (parts[0] == "truncated")
                {
                    truncatedBelow = Math.Max(truncatedBelow, ulong.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            // Opening must succeed (a torn tail is cut off, never refused) and keep every record
            // acknowledged since the last truncation that may have happened, byte for byte.
            using var db = NodeDatabase.Open(dir, ChainWriter.ChainId, ChainWriter.GenesisHash);
            var stored = db.ConsensusWal.ReadAll().ToDictionary(r => r.Sequence);
            foreach (var (sequence, (height, hash)) in acknowledged.Where(a => a.Value.Height >= mayBeTruncatedBelow))
            {
                Assert.True(stored.TryGetValue(sequence, out var record), $"WAL record {sequence} (height {height}) was acknowledged but is gone after kill {kill}; truncated below {truncatedBelow}; stored: {string.Join(",", stored.Values.Select(r => $"{r.Sequence}@{r.Height}"))}");
                Assert.Equal(height, record.Height);
                Assert.Equal(hash, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(record.Payload.Span)));
            }

            Assert.DoesNotContain(stored.Values, r => r.Height < truncatedBelow);
        }

        output.WriteLine($"{Kills / 2} kills, {acknowledged.Count} acknowledged WAL appends");
        Assert.True(acknowledged.Count > Kills / 2, $"the child acknowledged only {acknowledged.Count} WAL appends");
    }

    /// <summary>Runs the child for about <paramref name="runFor"/>, kills it with SIGKILL and returns what it printed.</summary>
    private static List<string> RunAndKill(string dir, TimeSpan runFor, string mode = "append")
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "GovChain.Storage.CrashChild.dll"));
        start.ArgumentList.Add(mode);
        start.ArgumentList.Add(dir);

        var lines = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the crash child");
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lines.Enqueue(e.Data);
            }
        };
        child.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                errors.Enqueue(e.Data);
            }
        };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        try
        {
            // Let it open (and recover) first, so most kills land while blocks are being written.
            var opened = Stopwatch.StartNew();
            while (!lines.Any(l => l.StartsWith("opened", StringComparison.Ordinal)) && !child.HasExited && opened.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Sleep(5);
            }

            Thread.Sleep(runFor);
            Assert.False(child.HasExited, "the crash child exited on its own: " + string.Join(" | ", errors));
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill(); // SIGKILL on Unix: no chance to flush or close anything
            }

            child.WaitForExit(10_000);
        }

        // Kill() is SIGKILL; after WaitForExit() the redirected streams are drained.
        child.WaitForExit();
        return [.. lines];
    }

    /// <summary>Opens the database as a restarted node would and checks it; returns the last height.</summary>
    private static ulong Verify(string dir, Dictionary<ulong, string> acknowledged, ulong fromHeight)
    {
        using var db = NodeDatabase.Open(dir, ChainWriter.ChainId, ChainWriter.GenesisHash);
        var last = db.Blocks.LastHeight;

        // Every append that returned in the child is there, with the same hash.
        foreach (var (height, hash) in acknowledged)
        {
            Assert.True(height <= last, $"block {height} was acknowledged but the store ends at {last}");
            Assert.Equal(hash, db.Blocks.GetBlockHash(height)!.Value.ToString());
        }

        // Contiguous and linked, each block whole: its transactions, receipts and index entries.
        var previous = fromHeight == 0 ? (Hash32?)null : db.Blocks.GetBlockHash(fromHeight);
        for (var height = fromHeight + 1; height <= last; height++)
        {
            var block = db.Blocks.GetBlock(height) ?? throw new Xunit.Sdk.XunitException($"block {height} is missing below the last height {last}");
            if (previous is { } p)
            {
                Assert.True(p.Equals(block.Block.Header.PreviousHash.Span), $"block {height} does not link to block {height - 1}");
            }

            Assert.Equal(block.Block.Transactions.Count, db.Blocks.GetReceipts(height)!.Count);
            foreach (var tx in block.Block.Transactions)
            {
                Assert.Equal(height, db.Blocks.GetTransaction(tx.Id())!.Height);
            }

            Assert.Equal(block.Block.Header.StateRoot.ToByteArray(), db.State.GetRoot(height).ToArray());
            previous = block.Hash;
        }

        // Nothing of the next block: no block, no index entry, no state version.
        Assert.Null(db.Blocks.GetBlock(last + 1));
        Assert.Null(db.Blocks.GetTransaction(ChainWriter.Transaction(last + 1, 0).Id()));
        Assert.Equal(last, db.State.Height);
        Assert.Throws<StorageException>(() => db.State.GetRoot(last + 1));

        // The stored root is the root of the stored state, recomputed from scratch.
        var recomputed = StateTreeHashing.RootOf(
            db.State.Enumerate(last).Select(kv => (StateTreeHashing.KeyHash(kv.Key), StateTreeHashing.ValueHash(kv.Value))));
        Assert.Equal(recomputed, db.State.Root);
        if (last > 0)
        {
            Assert.Equal(db.Blocks.GetHeader(last)!.StateRoot.ToByteArray(), recomputed.ToArray());
        }

        return last;
    }
}
