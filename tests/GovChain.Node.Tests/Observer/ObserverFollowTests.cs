using System.Runtime.CompilerServices;
using Google.Protobuf;
using GovChain.Core.Hashing;
using GovChain.Node.Configuration;
using GovChain.Node.Hosting;
using GovChain.Node.Network;
using GovChain.Node.Tests.Support;
using GovChain.Protocol;
using GovChain.Protocol.SystemContract;

namespace GovChain.Node.Tests.Observer;

/// <summary>
/// An observer node (no key, Observer section) fed by a source it must not trust: it verifies and
/// re-executes every block, follows a validator-set change, forwards what it is given to submit,
/// and refuses a tampered block.
/// </summary>
public sealed class ObserverFollowTests
{
    [Fact]
    public async Task Observer_FollowsThroughAValidatorSetChange_WithTheValidatorsStateRootAtEveryHeight_AndForwardsSubmissions()
    {
        await using var cluster = new TestCluster(4, inMemory: true);
        await cluster.StartAllAsync();
        await cluster.WaitForHeightAsync(2, 0, 1, 2, 3);
        await using var observer = CreateObserver(cluster, out var source);
        await observer.StartAsync();

        // The proposal goes in through the observer: it admits, then forwards to the department node.
        var propose = cluster.Sign(cluster.Admins[0], SystemCalls.Propose("dept-0", SystemCalls.SetVotingPower("dept-3", 40)), 1);
        var proposed = observer.SubmitTransactions([propose])[0];
        Assert.True(proposed.IsAdmitted, proposed.Reason);
        await TestCluster.WaitUntilAsync(() => observer.Database.Blocks.GetTransaction(proposed.TxId) is not null, "the forwarded proposal committed and followed");
        var outcome = ProposalOutcome.Parser.ParseFrom(observer.Database.Blocks.GetTransaction(proposed.TxId)!.Receipt.Result);
        var approvals = new[] { 1, 2 }.Select(d => cluster.Nodes[d]!.SubmitTransactions([cluster.Sign(cluster.Admins[d], SystemCalls.Approve(outcome.ProposalId, $"dept-{d}"), 1)])[0].TxId).ToList();
        await TestCluster.WaitUntilAsync(() => approvals.All(id => observer.Database.Blocks.GetTransaction(id) is not null), "approvals followed");
        var effective = approvals.Max(id => observer.Database.Blocks.GetTransaction(id)!.Height) + 2;
        await TestCluster.WaitUntilAsync(() => observer.Database.Blocks.LastHeight >= effective + 3, () => $"observer past the change at {effective} (now {observer.Database.Blocks.LastHeight})");

        var validator = cluster.Nodes[0]!;
        Assert.NotEqual(observer.Validators.For(effective - 1).Hash, observer.Validators.For(effective).Hash);
        Assert.Equal(validator.Validators.For(effective).Hash, observer.Validators.For(effective).Hash);
        for (var h = 1UL; h <= observer.Database.Blocks.LastHeight; h++)
        {
            // Its own state tree, built by re-executing, has the validators' root at every height.
            Assert.Equal(validator.Database.State.GetRoot(h), observer.Database.State.GetRoot(h));
            Assert.Equal(validator.Database.Blocks.GetBlockHash(h), observer.Database.Blocks.GetBlockHash(h));
        }

        Assert.False(observer.Consensus.IsSigning);
        Assert.Empty(source.Reports);
        Assert.Equal(1, source.Forwarded);
    }

    [Theory]
    [InlineData("state root")]
    [InlineData("certificate")]
    [InlineData("transaction")]
    public async Task Observer_RefusesATamperedBlock_ReportsItsSource_AndMovesOnWhenServedTheTrueOne(string tamper)
    {
        await using var cluster = new TestCluster(4, inMemory: true);
        await cluster.StartAllAsync();
        var parcel = cluster.Sign(cluster.Registrar, LandCalls.RegisterParcel("P-OBS", cluster.Registrar.PublicKey, TestCluster.Sha("deed"), 100), 1);
        var admitted = cluster.Nodes[0]!.SubmitTransactions([parcel])[0];
        Assert.True(admitted.IsAdmitted, admitted.Reason);
        await TestCluster.WaitUntilAsync(() => cluster.Running.All(n => n.Database.Blocks.GetTransaction(admitted.TxId) is not null), "parcel committed");
        var target = cluster.Nodes[0]!.Database.Blocks.GetTransaction(admitted.TxId)!.Height;
        await cluster.WaitForHeightAsync(target + 2, 0);

        await using var observer = CreateObserver(cluster, out var source);
        source.Tamper = block =>
        {
            if (block.Block.Header.Height != target)
            {
                return block;
            }

            var bad = block.Clone();
            switch (tamper)
            {
                case "state root":
                    bad.Block.Header.StateRoot = ByteString.CopyFrom(new byte[32]);
                    break;
                case "certificate":
                    // Two of four signatures: 20 of 40, not more than 2/3.
                    while (bad.Certificate.Signatures.Count > 2)
                    {
                        bad.Certificate.Signatures.RemoveAt(0);
                    }

                    break;
                default:
                    bad.Block.Transactions[0] = bad.Block.Transactions[0].Clone();
                    bad.Block.Transactions[0].Signature = ByteString.CopyFrom(new byte[64]);
                    break;
            }

            return bad;
        };
        await observer.StartAsync();

        await TestCluster.WaitUntilAsync(() => source.Reports.Count > 0, "the tampered block refused");
        Assert.True(observer.Database.Blocks.LastHeight < target);
        Assert.Contains($"block {target}", source.Reports.First(), StringComparison.Ordinal);

        source.Tamper = null;
        await TestCluster.WaitUntilAsync(() => observer.Database.Blocks.LastHeight > target, "observer past the true block");
        Assert.Equal(cluster.Nodes[0]!.Database.State.GetRoot(target), observer.Database.State.GetRoot(target));
        Assert.NotNull(observer.Database.Blocks.GetTransaction(admitted.TxId));
    }

    private static GovChainNode CreateObserver(TestCluster cluster, out UntrustedSource source)
    {
        var options = cluster.Options(0);
        options.DepartmentId = "citizen-observer";
        options.DataDirectory = Path.Combine(cluster.Root, "observer");
        options.Observer.Follow.Add("https://127.0.0.1:7400");
        var made = new UntrustedSource(cluster.Nodes[0]!);
        source = made;
        return GovChainNode.Create(options, new GovChainNodeSettings { PeerNetworkFactory = _ => made, LoggerFactory = TestLogging.Factory });
    }

    /// <summary>Serves a department node's blocks, passed through <see cref="Tamper"/>; what the observer submits goes to that node.</summary>
    private sealed class UntrustedSource(GovChainNode origin) : IPeerNetwork
    {
        private static readonly Hash32 Id = Hashes.Plain("untrusted-source"u8);
        private readonly CancellationTokenSource _stop = new();
        private Task? _announce;
        private int _forwarded;

        public volatile Func<CertifiedBlock, CertifiedBlock>? Tamper;

        public System.Collections.Concurrent.ConcurrentQueue<string> Reports { get; } = new();

        public int Forwarded => Volatile.Read(ref _forwarded);

        public IReadOnlyList<PeerSnapshot> Peers => [new PeerSnapshot("dept-0", Id, "source", true, origin.Database.Blocks.LastHeight)];

        public Task StartAsync(IPeerHandler handler, CancellationToken cancellationToken)
        {
            _announce = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    handler.OnPeerHeight(Id, origin.Database.Blocks.LastHeight);
                    try
                    {
                        await Task.Delay(50, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            });
            return Task.CompletedTask;
        }

        public void Broadcast(ConsensusMessage message)
        {
        }

        public void SendTo(Hash32 validator, ConsensusMessage message)
        {
        }

        public void Gossip(IReadOnlyList<SignedTransaction> transactions)
        {
            Interlocked.Add(ref _forwarded, transactions.Count);
            origin.SubmitTransactions(transactions);
        }

        public async IAsyncEnumerable<FetchedBlock> FetchBlocksAsync(ulong fromHeight, ulong toHeight, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            foreach (var block in origin.PeerHandler.ReadBlocks(fromHeight, toHeight).ToList())
            {
                yield return new FetchedBlock(Id, Tamper is { } tamper ? tamper(block) : block);
            }
        }

        public void ReportMisbehaviour(Hash32 validator, string reason) => Reports.Enqueue(reason);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_announce is not null)
            {
                await _announce;
            }

            _stop.Dispose();
        }
    }
}
