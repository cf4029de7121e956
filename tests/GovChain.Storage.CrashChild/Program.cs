using System.Diagnostics;
using GovChain.Storage;
using GovChain.Storage.CrashChild;

// Usage:
//   append <dir>        appends blocks with state changes, printing "appended <height> <hash>" after each
//                       append returns, until killed (or 60 s pass, so a lost child never runs for ever)
//   wal <dir>           appends consensus WAL records (height = sequence / 8, 40 to ~3,000 bytes), printing
//                       "logged <height> <sequence> <sha256 of payload>" after each append returns, and after every
//                       8th the truncation of the heights below, "truncated <height>", until killed (or 60 s pass)
//   fill <dir> <keys>   writes <keys> state keys in blocks of 100,000 changes, prints "filled <height>",
//                       then waits to be killed (at most 10 minutes)
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: append <dir> | wal <dir> | fill <dir> <keys>");
    return 2;
}

var lifetime = Stopwatch.StartNew();
if (args[0] == "append")
{
    using var db = NodeDatabase.Open(args[1], ChainWriter.ChainId, ChainWriter.GenesisHash);
    Console.WriteLine($"opened {db.Blocks.LastHeight}");
    while (lifetime.Elapsed < TimeSpan.FromSeconds(60))
    {
        var height = db.Blocks.LastHeight + 1;
        var block = ChainWriter.AppendNext(db, txCount: 8, ChainWriter.Changes(height, count: 30, keySpace: 400));
        Console.WriteLine($"appended {block.Height} {block.Hash}");
    }

    return 0;
}

if (args[0] == "wal")
{
    using var db = NodeDatabase.Open(args[1], ChainWriter.ChainId, ChainWriter.GenesisHash);
    Console.WriteLine($"opened {db.ConsensusWal.Count}");
    var random = new Random();
    while (lifetime.Elapsed < TimeSpan.FromSeconds(60))
    {
        var next = db.ConsensusWal.ReadAll() is { Count: > 0 } records ? records[^1].Sequence + 1 : 0;
        var payload = new byte[random.Next(40, 3000)];
        random.NextBytes(payload);
        var record = db.ConsensusWal.Append(next / 8, payload);
        Console.WriteLine($"logged {record.Height} {record.Sequence} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(payload))}");
        if (record.Sequence % 8 == 7)
        {
            db.ConsensusWal.TruncateBelow(record.Height);
            Console.WriteLine($"truncated {record.Height}");
        }
    }

    return 0;
}

if (args[0] == "fill" && args.Length == 3 && int.TryParse(args[2], out var keys))
{
    var options = new StorageOptions { SyncWrites = false, KeepRecentHeights = 2 };
    using var db = NodeDatabase.Open(args[1], ChainWriter.ChainId, ChainWriter.GenesisHash, options);
    const int PerBlock = 100_000;
    for (var written = 0; written < keys; written += PerBlock)
    {
        var changes = new GovChain.Core.State.StateChanges();
        for (var i = written; i < Math.Min(keys, written + PerBlock); i++)
        {
            changes.Set(System.Text.Encoding.UTF8.GetBytes($"record/{i:D9}"), System.Text.Encoding.UTF8.GetBytes($"title deed {i} owner {i % 977}"));
        }

        ChainWriter.AppendNext(db, txCount: 10, changes);
    }

    Console.WriteLine($"filled {db.Blocks.LastHeight}");
    Thread.Sleep(TimeSpan.FromMinutes(10));
    return 0;
}

Console.Error.WriteLine($"unknown command '{args[0]}'");
return 2;
