using System.Globalization;

namespace GovChain.LoadGen;

/// <summary>Command-line settings of one load-generator run.</summary>
internal sealed class LoadGenOptions
{
    /// <summary>Target submissions per second; null means as fast as the network admits them.</summary>
    public int? RatePerSecond { get; private set; } = 200;

    public int DurationSeconds { get; private set; } = 20;

    /// <summary>Distinct transaction senders (parcel owners), so per-sender nonce chains stay short.</summary>
    public int Senders { get; private set; } = 2000;

    /// <summary>Most submissions in flight at once, across the four nodes.</summary>
    public int Concurrency { get; private set; } = 256;

    /// <summary>Pre-signed transactions when running at maximum rate (the pool is not refilled).</summary>
    public int MaxPoolTransactions { get; private set; } = 100_000;

    public int MaxBlockTxs { get; private set; } = 4000;

    public bool SyncWrites { get; private set; } = true;

    /// <summary>Consensus propose timeout; prevote and precommit timeouts are half of it.</summary>
    public int ProposeMs { get; private set; } = 1000;

    /// <summary>How long to wait after the measured phase for transactions still in flight to commit.</summary>
    public int DrainSeconds { get; private set; } = 15;

    public string? CsvPath { get; private set; }

    /// <summary>Run the four nodes inside this process instead of as four node processes (no CPU per node).</summary>
    public bool InProcess { get; private set; }

    /// <summary>Keep the network folder (configurations, node logs, databases) after the run, to look into it.</summary>
    public bool KeepFolder { get; private set; }

    /// <summary>govchain.dll to run the node processes with; null finds the CLI's build output.</summary>
    public string? CliPath { get; private set; }

    /// <summary>After the run, the same machine's four-member etcd cluster under <c>etcdctl check perf</c>, for the ratio.</summary>
    public bool CompareEtcd { get; private set; }

    /// <summary>The <c>etcdctl check perf --load</c> workload of the comparison (s, m, l, xl).</summary>
    public string EtcdLoad { get; private set; } = "l";

    public const string Usage =
        "usage: GovChain.LoadGen [--rate N|max] [--duration S] [--senders N] [--concurrency N] [--max-pool N]\n" +
        "                        [--max-block-txs N] [--propose-ms N] [--no-sync-writes] [--drain S] [--csv PATH]\n" +
        "                        [--in-process | --cli PATH/govchain.dll] [--keep-folder] [--compare-etcd [--etcd-load s|m|l|xl]]\n" +
        "smoke run: GovChain.LoadGen --duration 3 --rate 50";

    public static LoadGenOptions Parse(string[] args)
    {
        var o = new LoadGenOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--rate":
                    var rate = Value();
                    o.RatePerSecond = rate.Equals("max", StringComparison.OrdinalIgnoreCase) ? null : Positive(name, rate);
                    break;
                case "--duration": o.DurationSeconds = Positive(name, Value()); break;
                case "--senders": o.Senders = Positive(name, Value()); break;
                case "--concurrency": o.Concurrency = Positive(name, Value()); break;
                case "--max-pool": o.MaxPoolTransactions = Positive(name, Value()); break;
                case "--max-block-txs": o.MaxBlockTxs = Positive(name, Value()); break;
                case "--drain": o.DrainSeconds = Positive(name, Value()); break;
                case "--propose-ms": o.ProposeMs = Positive(name, Value()); break;
                case "--no-sync-writes": o.SyncWrites = false; break;
                case "--csv": o.CsvPath = Value(); break;
                case "--in-process": o.InProcess = true; break;
                case "--keep-folder": o.KeepFolder = true; break;
                case "--cli": o.CliPath = Value(); break;
                case "--compare-etcd": o.CompareEtcd = true; break;
                case "--etcd-load":
                    var load = Value();
                    o.EtcdLoad = load is "s" or "m" or "l" or "xl" ? load : throw new ArgumentException($"--etcd-load is one of s, m, l, xl, not '{load}'");
                    break;
                default: throw new ArgumentException($"unknown option '{name}'");
            }
        }

        if (o.InProcess && o.CliPath is not null)
        {
            throw new ArgumentException("--cli names the node program of node processes; it has no use with --in-process");
        }

        return o;
    }

    /// <summary>Transactions to pre-sign: the whole schedule at a fixed rate, a bounded pool at maximum.</summary>
    public int TransactionCount => RatePerSecond is { } r ? checked(r * DurationSeconds) : MaxPoolTransactions;

    public string RateLabel => RatePerSecond?.ToString(CultureInfo.InvariantCulture) ?? "max";

    private static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v
            : throw new ArgumentException($"{name} must be a positive integer, not '{text}'");
}
