using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using GovChain.Storage;
using GovChain.Storage.CrashChild;

namespace GovChain.Benchmarks.Storage;

/// <summary>
/// Restart after a crash with 1,000,000 state keys: a child process fills the store, is killed
/// with SIGKILL (its memtables unflushed, the WAL to replay), and the benchmark times opening the
/// database and serving a first read and proof. Each iteration starts from a fresh copy of
/// the crashed directory, since the first open repairs it.
/// </summary>
[SimpleJob(RunStrategy.ColdStart, launchCount: 1, warmupCount: 0, iterationCount: 3)]
public class RestartAfterCrashBenchmark
{
    private const int Keys = 1_000_000;
    private BenchDirectory? _dir;
    private string _crashed = string.Empty;
    private string _working = string.Empty;
    private int _iteration;

    [GlobalSetup]
    public void Setup()
    {
        _dir = new BenchDirectory("restart");
        _crashed = _dir.Sub("crashed");
        var started = Stopwatch.StartNew();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "GovChain.Storage.CrashChild.dll"));
        start.ArgumentList.Add("fill");
        start.ArgumentList.Add(_crashed);
        start.ArgumentList.Add(Keys.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var child = Process.Start(start) ?? throw new InvalidOperationException("cannot start the fill child");
        var line = child.StandardOutput.ReadLine();
        child.Kill();
        child.WaitForExit();
        if (line is null || !line.StartsWith("filled", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the fill child said '{line}'");
        }

        Console.WriteLine($"// filled {Keys} keys ({line}) in {started.Elapsed.TotalSeconds:F1} s, killed; store is {BenchDirectory.SizeOf(_crashed) / 1048576.0:F0} MiB");
    }

    [IterationSetup]
    public void CopyCrashedStore()
    {
        _working = _dir!.Sub($"run{_iteration++}");
        Directory.CreateDirectory(_working);
        foreach (var file in Directory.GetFiles(_crashed))
        {
            File.Copy(file, Path.Combine(_working, Path.GetFileName(file)));
        }
    }

    [Benchmark]
    public int OpenAfterCrashAndServeFirstProof()
    {
        using var db = NodeDatabase.Open(_working, ChainWriter.ChainId, ChainWriter.GenesisHash);
        var value = db.State.Latest().Get("record/000777777"u8) ?? throw new InvalidOperationException("a filled key is missing");
        return value.Length + db.State.Prove("record/000777777"u8, db.State.Height).Siblings.Count;
    }

    [IterationCleanup]
    public void RemoveCopy() => Directory.Delete(_working, recursive: true);

    [GlobalCleanup]
    public void Cleanup() => _dir?.Dispose();
}
