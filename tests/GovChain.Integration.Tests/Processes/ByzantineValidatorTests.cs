using GovChain.Client;
using GovChain.Client.Registries;
using GovChain.Consensus;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using Grpc.Core;
using Xunit.Abstractions;

namespace GovChain.Integration.Tests.Processes;

/// <summary>
/// One of the four departments runs a Byzantine validator (tests/GovChain.ByzantineNode, its
/// own process): the real node whose every proposal and vote leaves with a conflicting twin
/// signed by its key, different peers getting different ones. One faulty validator of four is
/// within what BFT tolerates: the honest three must keep committing, agree on every block, and
/// put the proof of the equivocation into the chain.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public sealed class ByzantineValidatorTests : IAsyncLifetime
{
    private const int Byzantine = 3;
    private const int Transactions = 12;
    private static readonly int[] Honest = [0, 1, 2];
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan EvidenceLimit = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan CommitLimit = TimeSpan.FromSeconds(60);

    private readonly ITestOutputHelper _output;
    private readonly ProcessCluster _cluster = new(new ProcessClusterOptions
    {
        Programs = new Dictionary<int, string>
        {
            [Byzantine] = ProcessCluster.LocateBuildOutput(Path.Combine("tests", "GovChain.ByzantineNode"), "GovChain.ByzantineNode.dll"),
        },
    });

    public ByzantineValidatorTests(ITestOutputHelper output) => _output = output;

    public Task InitializeAsync() => _cluster.StartAllAsync(StartLimit);

    public Task DisposeAsync()
    {
        _cluster.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public Task EquivocatingValidator_HonestNodesKeepCommittingAndAgree_AndTheEquivocationIsCommittedAsEvidence() => Guarded(async () =>
    {
        var genesis = GenesisDocument.Load(Path.Combine(_cluster.Root, "genesis.json"));
        var byzantineKey = new Hash32(genesis.FindDepartment(ProcessCluster.Departments[Byzantine])!.ValidatorKey.Span);

        // Registry work submitted through each honest node in turn, every one acknowledged.
        var registrar = await _cluster.Client(0).CreateSignerAsync(_cluster.Registrar);
        using var owner = KeyPair.Generate();
        var acknowledged = new List<TransactionResult>();
        for (var i = 0; i < Transactions; i++)
        {
            var client = _cluster.Client(Honest[i % Honest.Length]);
            var result = await client.ExecuteAsync(registrar, LandRegistry.RegisterParcel($"LR-B{i:D3}", owner.PublicKey, new byte[32], 100 + (ulong)i), CommitLimit);
            Assert.True(result.Receipt.Code == 0, result.Receipt.Message);
            acknowledged.Add(result);
        }

        var (proposalEvidenceHeight, voteEvidenceHeight) = await FirstCommittedEvidenceAsync(byzantineKey);

        var top = Math.Max(Math.Max(proposalEvidenceHeight, voteEvidenceHeight), acknowledged.Max(r => r.Height));
        await _cluster.WaitForHeightAsync(Honest, top, CommitLimit);
        var chains = await Task.WhenAll(Honest.Select(n => ReadChainAsync(n, top)));
        for (var k = 1; k < chains.Length; k++)
        {
            for (var h = 0; h < chains[0].Count; h++)
            {
                Assert.True(
                    chains[0][h].Block.Header.Hash() == chains[k][h].Block.Header.Hash(),
                    $"{ProcessCluster.Departments[Honest[k]]} and {ProcessCluster.Departments[Honest[0]]} hold different blocks at height {h + 1}");
            }
        }

        // Every piece of evidence in the chain proves what it claims, and names the Byzantine
        // validator only: honest validators, whatever they were sent, never appear as equivocators.
        var evidence = chains[0].SelectMany(b => b.Block.Evidence).ToList();
        Assert.NotEmpty(evidence);
        _output.WriteLine(
            $"{evidence.Count} pieces of evidence in blocks 1..{top} ({evidence.Count(e => e.KindCase == Evidence.KindOneofCase.DuplicateProposal)} of proposals, "
            + $"{evidence.Select(Offence).Distinct().Count()} distinct offences); "
            + $"first duplicate proposal committed at {proposalEvidenceHeight}, first duplicate vote at {voteEvidenceHeight}");
        // Each offence is put in the chain exactly once, in canonical form, however many honest
        // nodes saw it and in whichever order they received the two conflicting messages.
        var repeated = evidence.GroupBy(Offence).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"offences committed more than once: {string.Join(", ", repeated)}");
        foreach (var e in evidence)
        {
            Assert.True(EvidenceCanonicalForm.IsCanonical(e), $"evidence of {Offence(e)} is not in canonical order");
            Assert.Null(EvidenceVerifier.Check(e, genesis.Validators, genesis.SigningChainId, Ed25519SignatureVerifier.Instance));
            Assert.Equal(byzantineKey, Offender(e));
        }

        foreach (var result in acknowledged)
        {
            var found = await Task.WhenAll(Honest.Select(n => _cluster.Client(n).GetTransactionAsync(result.Transaction.Id())));
            Assert.All(found, f => Assert.Equal(result.Height, f?.Height));
        }

        // The honest nodes still commit after all that.
        var after = await _cluster.Client(1).ExecuteAsync(registrar, LandRegistry.RegisterParcel("LR-B999", owner.PublicKey, new byte[32], 999), CommitLimit);
        Assert.Equal(0u, after.Receipt.Code);
        Assert.True(after.Height > top);
    });

    /// <summary>
    /// Follows node 0's committed blocks from height 1 until one has carried duplicate-proposal
    /// and one duplicate-vote evidence against <paramref name="offender"/>; their heights.
    /// </summary>
    private async Task<(ulong ProposalHeight, ulong VoteHeight)> FirstCommittedEvidenceAsync(Hash32 offender)
    {
        using var limit = new CancellationTokenSource(EvidenceLimit);
        ulong proposal = 0, vote = 0, seen = 0;
        try
        {
            await foreach (var block in _cluster.Client(0).StreamBlocksAsync(1, cancellationToken: limit.Token))
            {
                seen = block.Block.Header.Height;
                foreach (var e in block.Block.Evidence.Where(e => Offender(e) == offender))
                {
                    if (e.KindCase == Evidence.KindOneofCase.DuplicateProposal && proposal == 0)
                    {
                        proposal = seen;
                    }
                    else if (e.KindCase == Evidence.KindOneofCase.DuplicateVote && vote == 0)
                    {
                        vote = seen;
                    }
                }

                if (proposal != 0 && vote != 0)
                {
                    return (proposal, vote);
                }
            }
        }
        catch (Exception ex) when (limit.IsCancellationRequested && ex is OperationCanceledException or RpcException)
        {
            // Reported below with what was seen.
        }

        throw _cluster.Failure(
            $"Within {EvidenceLimit} (up to height {seen}) the chain did not carry both duplicate-proposal evidence (first at {proposal}) "
            + $"and duplicate-vote evidence (first at {vote}) against the Byzantine validator.");
    }

    /// <summary>Node <paramref name="node"/>'s blocks 1..<paramref name="top"/>, in order.</summary>
    private async Task<List<CertifiedBlock>> ReadChainAsync(int node, ulong top)
    {
        using var limit = new CancellationTokenSource(CommitLimit);
        var blocks = new List<CertifiedBlock>();
        await foreach (var block in _cluster.Client(node).StreamBlocksAsync(1, cancellationToken: limit.Token))
        {
            Assert.Equal((ulong)blocks.Count + 1, block.Block.Header.Height);
            blocks.Add(block);
            if (block.Block.Header.Height == top)
            {
                break;
            }
        }

        Assert.Equal((int)top, blocks.Count);
        return blocks;
    }

    /// <summary>What was signed twice: validator, height, round and step.</summary>
    private static EvidenceOffence Offence(Evidence evidence) =>
        EvidenceOffence.TryFrom(evidence, out var offence) ? offence : throw new InvalidOperationException("committed evidence names no offence");

    private static Hash32 Offender(Evidence evidence) => evidence.KindCase switch
    {
        Evidence.KindOneofCase.DuplicateVote => new Hash32(evidence.DuplicateVote.VoteA.Validator.Span),
        Evidence.KindOneofCase.DuplicateProposal => new Hash32(evidence.DuplicateProposal.ProposalA.Proposer.Span),
        _ => Hash32.Zero,
    };

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
