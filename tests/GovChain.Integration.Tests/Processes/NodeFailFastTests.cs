using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using GovChain.Client.Registries;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;

namespace GovChain.Integration.Tests.Processes;

/// <summary>
/// A node process that cannot go on safely stops, says why and exits with the documented code
/// (9: the storage failed), instead of running on; restarted once the cause is gone, it rejoins
/// the network on the same chain.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public sealed class NodeFailFastTests : IAsyncLifetime
{
    private const int StorageFailedExitCode = 9;
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(60);
    private readonly ProcessCluster _cluster = new();

    public Task InitializeAsync() => _cluster.StartAllAsync(StartLimit);

    public Task DisposeAsync()
    {
        _cluster.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public Task WalRecordDamagedInTheMiddle_NodeExitsWithTheStorageCodeNamingFileAndOffset_AndRejoinsOnceRestored() => Guarded(async () =>
    {
        var top = await RegisterAsync("LR-F001");
        _cluster.Nodes[3].Kill();
        var wal = Path.Combine(_cluster.DataDirectory(3), "consensus.wal");
        var original = await File.ReadAllBytesAsync(wal);

        // Two records after what the node wrote (empty payloads at height 0, which replay would
        // ignore), the first with one byte of its checksum flipped: damage followed by a valid record.
        var damaged = Frame(0, 1UL << 40, []);
        damaged[5] ^= 0x01;
        var damageOffset = original.Length;
        await File.WriteAllBytesAsync(wal, [.. original, .. damaged, .. Frame(0, (1UL << 40) + 1, [])]);

        _cluster.Nodes[3].Start();
        var code = await WaitForExitAsync(3);
        Assert.Equal(StorageFailedExitCode, code);
        var log = _cluster.Nodes[3].Tail(30);
        Assert.Contains(wal, log, StringComparison.Ordinal);
        Assert.Contains($"offset {damageOffset}", log, StringComparison.Ordinal);

        // The operator puts back the file from before the damage (a backup): the node starts and rejoins.
        await File.WriteAllBytesAsync(wal, original);
        await _cluster.StartAsync(3, StartLimit);
        await AssertRejoinedAsync(top);
    });

    // A full file system faults a write only when it needs space the node does not hold yet:
    // RocksDB's log is preallocated and the consensus WAL is cut back to its first page after
    // each commit, so blocks of one small transaction never need more. The load is therefore
    // blocks of tens of KiB (each validator logs the block it locks on), and the filler keeps
    // taking whatever space is freed, as the other writers of a shared full disk do.
    [Fact]
    public Task DiskFullWhileRunning_NodeExitsWithTheStorageCode_AndRejoinsOnceSpaceIsFreed() => Guarded(async () =>
    {
        // A real disk-full: node 3's data directory moved onto a small tmpfs of its own, then filled.
        // Permissions cannot make a directory unwritable for root, and RocksDB keeps its files open,
        // so a full file system is the fault a running node really meets.
        await _cluster.WaitForHeightAsync([3], await RegisterAsync("LR-F100"), StartLimit);
        _cluster.Nodes[3].Kill();
        var data = _cluster.DataDirectory(3);
        var saved = data + ".saved";
        Directory.Move(data, saved);
        Directory.CreateDirectory(data);
        if (Run("mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", data) != 0)
        {
            Directory.Delete(data);
            Directory.Move(saved, data);
            Console.WriteLine("DiskFullWhileRunning: mount is not permitted here (needs root with CAP_SYS_ADMIN); nothing checked.");
            return;
        }

        var filler = Path.Combine(data, "filler");
        using var stopFilling = new CancellationTokenSource();
        Task? filling = null;
        try
        {
            foreach (var file in Directory.EnumerateFiles(saved))
            {
                File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
            }

            await _cluster.StartAsync(3, StartLimit);
            var before = await RegisterAsync("LR-F101");
            await _cluster.WaitForHeightAsync([3], before, StartLimit);

            var full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            filling = Task.Run(() => KeepFullAsync(filler, full, stopFilling.Token));
            await full.Task.WaitAsync(ExitLimit);
            var code = await WaitForExitAsync(3, keepCommitting: true);
            Assert.Equal(StorageFailedExitCode, code);
            Assert.Contains("No space left on device", _cluster.Nodes[3].Tail(30), StringComparison.Ordinal);

            // Space freed (the filler closed first: a deleted open file keeps its space).
            await stopFilling.CancelAsync();
            await filling;
            filling = null;
            File.Delete(filler);
            var top = await RegisterAsync("LR-F102");
            await _cluster.StartAsync(3, StartLimit);
            await AssertRejoinedAsync(top);
        }
        finally
        {
            await stopFilling.CancelAsync();
            if (filling is not null)
            {
                await filling;
            }

            _cluster.Nodes[3].Kill();
            Run("umount", "-l", data);
        }
    });

    /// <summary>A frame of the consensus WAL file, as src/Storage/README.md specifies it.</summary>
    private static byte[] Frame(ulong height, ulong sequence, byte[] payload)
    {
        var body = new byte[16 + payload.Length];
        BinaryPrimitives.WriteUInt64BigEndian(body, height);
        BinaryPrimitives.WriteUInt64BigEndian(body.AsSpan(8), sequence);
        payload.CopyTo(body, 16);
        var frame = new byte[12 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)body.Length);
        SHA256.HashData(body).AsSpan(0, 8).CopyTo(frame.AsSpan(4));
        body.CopyTo(frame, 12);
        return frame;
    }

    private static int Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        try
        {
            using var process = Process.Start(info)!;
            process.WaitForExit(30_000);
            return process.HasExited ? process.ExitCode : -1;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    /// <summary>
    /// Writes until the file system refuses (what a full disk is), says so, then keeps taking
    /// whatever space is freed until stopped.
    /// </summary>
    private static async Task KeepFullAsync(string path, TaskCompletionSource full, CancellationToken stop)
    {
        var chunk = new byte[64 * 1024];
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        for (var written = 0L; !stop.IsCancellationRequested;)
        {
            try
            {
                await file.WriteAsync(chunk, CancellationToken.None);
                written += chunk.Length;
                if (written > 1L << 30)
                {
                    throw new InvalidOperationException("1 GiB written and the file system is not full: it is not the small tmpfs.");
                }
            }
            catch (IOException)
            {
                full.TrySetResult();
                try
                {
                    await Task.Delay(5, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Registrations with 2 KiB memos through node 0, submitted together and waited for: blocks
    /// of tens of KiB, whose consensus-WAL records need space a node does not hold yet.
    /// </summary>
    private async Task RegisterBatchAsync(string prefix)
    {
        var client = _cluster.Client(0);
        var registrar = await client.CreateSignerAsync(_cluster.Registrar);
        var memo = new string('m', 2048);
        var ids = new List<Hash32>();
        for (var k = 0; k < 20; k++)
        {
            using var owner = KeyPair.Generate();
            var call = LandRegistry.RegisterParcel($"{prefix}-{k:D2}", owner.PublicKey, new byte[32], 100);
            ids.Add(await client.SubmitAsync(registrar.SignNext(call, memo: memo)));
        }

        foreach (var id in ids)
        {
            Assert.Equal(0u, (await client.WaitForTransactionAsync(id)).Receipt.Code);
        }
    }

    private async Task<ulong> RegisterAsync(string parcel)
    {
        var client = _cluster.Client(0);
        var registrar = await client.CreateSignerAsync(_cluster.Registrar);
        using var owner = KeyPair.Generate();
        var result = await client.ExecuteAsync(registrar, LandRegistry.RegisterParcel(parcel, owner.PublicKey, new byte[32], 100));
        Assert.Equal(0u, result.Receipt.Code);
        return result.Height;
    }

    /// <summary>Waits (bounded) for node <paramref name="i"/> to exit on its own; with <paramref name="keepCommitting"/> the others keep the chain moving meanwhile.</summary>
    private async Task<int> WaitForExitAsync(int i, bool keepCommitting = false)
    {
        var deadline = DateTime.UtcNow + ExitLimit;
        var n = 0;
        while (true)
        {
            if (_cluster.Nodes[i].ExitCode is { } code)
            {
                return code;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw _cluster.Failure($"{ProcessCluster.Departments[i]} still runs {ExitLimit} after its fault");
            }

            if (keepCommitting)
            {
                await RegisterBatchAsync($"LR-F2{n++:D2}");
            }
            else
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task AssertRejoinedAsync(ulong top)
    {
        await _cluster.WaitForHeightAsync([3], top, StartLimit);
        for (var h = 1UL; h <= top; h++)
        {
            var hashes = await _cluster.BlockHashesAsync([0, 3], h);
            Assert.NotNull(hashes[0]);
            Assert.Equal(hashes[0], hashes[1]);
        }

        // Back as a validator that takes work, not only a reader: a transaction through it commits.
        var client = _cluster.Client(3);
        var registrar = await client.CreateSignerAsync(_cluster.Registrar);
        using var owner = KeyPair.Generate();
        var through = await client.ExecuteAsync(registrar, LandRegistry.RegisterParcel($"LR-F9{top:D3}", owner.PublicKey, new byte[32], 9));
        Assert.Equal(0u, through.Receipt.Code);
    }

    private async Task Guarded(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception ex) when (ex is not ClusterFailureException)
        {
            throw _cluster.Failure($"{ex.GetType().Name}: {ex.Message}", ex);
        }
    }
}
