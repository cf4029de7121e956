using System.Globalization;
using System.Text.Json.Nodes;
using GovChain.Client;
using GovChain.Client.Registries;
using GovChain.Client.Verification;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Integration.Tests.Support;
using GovChain.Node.Setup;
using Grpc.Core;

namespace GovChain.Integration.Tests.Processes;

/// <summary>
/// An observer process (<c>govchain node run --observer --follow URL</c>, no validator key)
/// follows a live four-department network over two departments' public client API (TLS pinned
/// from genesis): it reaches the validators' blocks and state roots, serves a proof that verifies
/// against genesis alone, and a submission made through it commits on the network.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public sealed class ObserverProcessTests : IDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommitLimit = TimeSpan.FromSeconds(60);
    private readonly ProcessCluster _cluster = new();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task Observer_FollowsTheNetwork_ServesAProofThatVerifies_AndForwardsASubmissionThatCommits()
    {
        await _cluster.StartAllAsync(StartLimit);
        await _cluster.WaitForHeightAsync([0, 1, 2, 3], 2, CommitLimit);
        var genesis = GenesisDocument.Load(Path.Combine(_cluster.Root, NetworkFolder.GenesisFileName));
        var port = FreePorts.Take(1)[0];
        var config = WriteObserverConfig(port);
        using var observerProcess = new NodeProcess(
            ProcessCluster.LocateBuildOutput(Path.Combine("tools", "Cli"), "govchain.dll"),
            config,
            Path.Combine(_cluster.Root, "observer.log"),
            ["--observer", "--follow", Follow(0), "--follow", Follow(1)]);
        using var observer = new GovChainClient(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"), new GovChainClientOptions
        {
            DefaultTimeout = TimeSpan.FromSeconds(10),
            DefaultWaitTimeout = CommitLimit,
        });
        observerProcess.Start();
        try
        {
            await WaitUntilServingAsync(observer, observerProcess);

            // A submission through the observer: admitted there, forwarded, committed by the validators, followed back.
            var registrar = await observer.CreateSignerAsync(_cluster.Registrar);
            using var owner = KeyPair.Generate();
            var result = await observer.ExecuteAsync(registrar, LandRegistry.RegisterParcel("LR-OBS1", owner.PublicKey, new byte[32], 42), CommitLimit);
            Assert.Equal(0u, result.Receipt.Code);
            var onValidator = await _cluster.Client(2).WaitForTransactionAsync(result.Transaction.Id(), CommitLimit);
            Assert.Equal(result.Height, onValidator.Height);

            var status = await observer.GetStatusAsync();
            Assert.Equal("citizen-observer", status.DepartmentId);
            Assert.True(status.ValidatorKey.IsEmpty);

            // Every height the observer reached: the validators' block, whose header's state root
            // the observer's own re-execution had to reproduce before it stored the block.
            var top = status.Height;
            Assert.True(top >= result.Height);
            for (var h = 1UL; h <= top; h++)
            {
                var mine = await observer.GetBlockAsync(h);
                var theirs = await _cluster.Client(h % 2 == 0 ? 3 : 1).GetBlockAsync(h);
                Assert.NotNull(mine);
                Assert.NotNull(theirs);
                Assert.Equal(theirs.Block.Header.Hash(), mine.Block.Header.Hash());
                Assert.Equal(theirs.Block.Header.StateRoot, mine.Block.Header.StateRoot);
            }

            // Its state proof is built from its own state tree, and verifies against genesis alone.
            var verifier = new ProofVerifier(genesis);
            var proven = await observer.ProveStateAsync(StateKeys.Parcel("LR-OBS1"), verifier);
            Assert.True(proven.IsProven, proven.Problem);
            var txProof = await observer.ProveTransactionAsync(result.Transaction.Id(), verifier);
            Assert.True(txProof.IsProven, txProof.Problem);

            // Its "peers" are the followed nodes, each known by the genesis certificate it presented.
            Assert.Equal(new[] { ProcessCluster.Departments[0], ProcessCluster.Departments[1] }.Order(), status.Peers.Select(p => p.DepartmentId).Order());
        }
        catch (Exception ex) when (ex is not ClusterFailureException)
        {
            throw _cluster.Failure($"{ex.Message}\n---- observer ----\n{observerProcess.Tail(60)}", ex);
        }
    }

    private string Follow(int i) => _cluster.Client(i).Address!.ToString();

    private async Task WaitUntilServingAsync(GovChainClient observer, NodeProcess process)
    {
        var deadline = DateTime.UtcNow + StartLimit;
        while (true)
        {
            if (process.ExitCode is { } code)
            {
                throw _cluster.Failure($"the observer exited with code {code}:\n{process.Tail(40)}");
            }

            try
            {
                if ((await observer.GetStatusAsync(TimeSpan.FromSeconds(2))).Height >= 2)
                {
                    return;
                }
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw _cluster.Failure($"the observer did not follow within {StartLimit}:\n{process.Tail(40)}");
            }

            await Task.Delay(200);
        }
    }

    private string WriteObserverConfig(int port)
    {
        var folder = Path.Combine(_cluster.Root, "observer");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "node.json");
        File.WriteAllText(file, new JsonObject
        {
            ["DataDirectory"] = "data",
            ["DepartmentId"] = "citizen-observer",
            ["GenesisFile"] = "../" + NetworkFolder.GenesisFileName,
            ["ListenAddress"] = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            ["Consensus"] = new JsonObject { ["SyncPollMs"] = 200 },
        }.ToJsonString());
        return file;
    }
}
