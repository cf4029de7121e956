using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Google.Protobuf;
using GovChain.Client;
using GovChain.Core.Crypto;
using GovChain.Grpc.Hosting;
using GovChain.Node.Hosting;
using GovChain.Node.Mempool;
using GovChain.Node.Setup;
using GovChain.Protocol;
using Grpc.Core;

namespace GovChain.LoadGen.Abuse;

/// <summary>
/// The abuse scenario (<c>--abuse</c>): one node, a normal client submitting and waiting for its
/// transactions from 127.0.0.2, first alone, then beside an abusive client on 127.0.0.3 that
/// floods signed transactions with nonce gaps from fresh keys, hoards streams and commit waits,
/// opens block streams it never reads, and floods cheap calls. Prints the normal client's
/// throughput and submit→commit median and p99 for both phases, and what the abuser was refused.
/// The abuser runs in a process of its own (<see cref="AbuserProcess"/>), as on its own machine.
/// </summary>
internal static class AbuseRun
{
    private static readonly IPAddress NormalAddress = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress AbuserAddress = IPAddress.Parse("127.0.0.3");

    public const string Usage = "usage: GovChain.LoadGen --abuse [--phase-seconds S] [--workers N]";

    public static async Task<int> MainAsync(string[] args, CancellationToken ct)
    {
        var phaseSeconds = 15;
        var workers = 4;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--phase-seconds" when i + 1 < args.Length:
                    phaseSeconds = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--workers" when i + 1 < args.Length:
                    workers = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        var root = Directory.CreateTempSubdirectory("govchain-abuse-").FullName;
        try
        {
            using var network = new NetworkBlueprint
            {
                ChainId = "govchain-abuse",
                Departments = ["land-registry"],
                RoleHolders = Enumerable.Range(0, workers).Select(r => new RoleHolderSpec($"registrar-{r:D2}", "land.registrar", "land-registry")).ToArray(),
                MaxBlockTxs = 2000,
                MaxBlockBytes = 2000 * 1024,
                GenesisTime = DateTimeOffset.UtcNow.AddMinutes(-1),
                CertificateValidity = TimeSpan.FromDays(1),
                KeyCost = new KeyFile.KdfCost(1, 1UL << 20),
                Mempool = new MempoolOptions { MaxTransactions = 50_000 },
                Storage = new Node.Configuration.StorageSettings { SyncWrites = false },
            }.Generate();
            var folder = network.WriteTo(root);
            var department = network.Departments[0];
            var settings = new GovChainNodeSettings { PeerNetworkFactory = StandardNode.CreatePeerNetwork, ValidatorKey = department.ValidatorKey };
            StandardNode.AddServices(settings);
            var options = folder.LoadNodeOptions(department.Id);
            await using var node = GovChainNode.Create(options, settings);
            await node.StartAsync(ct).ConfigureAwait(false);
            Console.WriteLine($"node {department.ClientUri}; per-client limits: {options.ClientApi.MaxStreamsPerClient} streams, {options.ClientApi.MaxWaitersPerClient} waits, " +
                $"{options.ClientApi.MaxConcurrentCallsPerClient} calls, {options.ClientApi.RequestsPerSecondPerClient}/s; signature check {1e6 / VerifyCalibration.MeasureVerificationsPerSecond(TimeSpan.FromSeconds(1)):F1} µs per verify");

            var channelOptions = new GovChainChannelOptions { TrustedServerCertificates = [department.Certificate], LocalAddress = NormalAddress };
            using var normal = new GovChainClient(department.ClientUri, new GovChainClientOptions { Channel = channelOptions, DefaultWaitTimeout = TimeSpan.FromSeconds(60) });
            var normalLoad = new NormalClient(normal, network.ChainId, network.RoleHolders.Select(h => h.Key).ToArray());

            var idle = await normalLoad.RunAsync(TimeSpan.FromSeconds(phaseSeconds), ct).ConfigureAwait(false);
            Print("normal client alone", idle, null);

            var checksBefore = node.Mempool.SignatureChecks;
            var abuser = await AbuserProcess.StartAsync(department.ClientUri, department.Certificate, network.ChainId, AbuserAddress, root, ct).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(2), ct).ConfigureAwait(false); // let the abuser take what it can first
            var loaded = await normalLoad.RunAsync(TimeSpan.FromSeconds(phaseSeconds), ct).ConfigureAwait(false);
            var nodeMetrics = $"node: {node.Mempool.SignatureChecks - checksBefore} signature checks of submissions while the abuser ran ({loaded.Committed} of them the normal client's)";
            Print("normal client beside the abuser", loaded, idle);
            await AbuserProcess.StopAsync(abuser).ConfigureAwait(false);
            Console.WriteLine(nodeMetrics);
            await node.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void Print(string title, PhaseResult r, PhaseResult? idle)
    {
        var ratio = idle is { MedianMs: > 0 } ? $" ({r.MedianMs / idle.MedianMs:F2}× idle median)" : string.Empty;
        Console.WriteLine($"{title,-34}: {r.Committed,6} committed in {r.Seconds:F1} s = {r.Committed / r.Seconds,7:F1} tx/s; submit→commit median {r.MedianMs:F1} ms, p99 {r.P99Ms:F1} ms{ratio}; {r.Failed} failed");
    }

    internal sealed record PhaseResult(int Committed, int Failed, double Seconds, double MedianMs, double P99Ms);

    /// <summary>Workers each with its own registrar key: sign the next parcel, submit, wait for its commit, repeat.</summary>
    private sealed class NormalClient(GovChainClient client, string chainId, KeyPair[] registrars)
    {
        private readonly ulong[] _nonces = registrars.Select(_ => 1UL).ToArray();
        private int _parcel;

        public async Task<PhaseResult> RunAsync(TimeSpan duration, CancellationToken ct)
        {
            var latencies = new List<double>();
            var failed = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(registrars.Select((key, w) => Task.Run(async () =>
            {
                while (clock.Elapsed < duration && !ct.IsCancellationRequested)
                {
                    var id = Interlocked.Increment(ref _parcel);
                    var tx = LandCalls.RegisterParcel($"ABUSE-{id}", key.PublicKey, SHA256.HashData(BitConverter.GetBytes(id)), 100).Sign(chainId, key, _nonces[w]);
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        var result = await client.SubmitAndWaitAsync(tx, TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
                        _nonces[w]++;
                        lock (latencies)
                        {
                            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        }

                        if (result.Receipt.Code != 0)
                        {
                            Interlocked.Increment(ref failed);
                        }
                    }
                    catch (RpcException)
                    {
                        Interlocked.Increment(ref failed);
                        _nonces[w] = await client.GetNextNonceAsync(key.PublicKeyBytes(), cancellationToken: ct).ConfigureAwait(false);
                    }
                }
            }, ct))).ConfigureAwait(false);
            latencies.Sort();
            return new PhaseResult(latencies.Count, failed, clock.Elapsed.TotalSeconds, Percentile(latencies, 0.5), Percentile(latencies, 0.99));
        }

        private static double Percentile(List<double> sorted, double p) =>
            sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
