using BenchmarkDotNet.Attributes;
using GovChain.Consensus;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Node.Consensus;
using GovChain.Protocol;

namespace GovChain.Benchmarks.Evidence;

/// <summary>
/// The cost of the once-per-offence rules on the consensus loop: ordering a pair, naming its
/// offence, and a pool absorbing a burst of duplicate reports (what a Byzantine validator
/// causes when every honest node reports each equivocation).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class EvidenceRulesBenchmarks
{
    private const string ChainId = "bench";
    private GovChain.Protocol.Evidence _reversed = null!;
    private GovChain.Protocol.Evidence[] _burst = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var key = KeyPair.Generate();
        Vote Prevote(uint round, string name) =>
            Votes.Sign(ChainId, VoteType.Prevote, 1, round, Hashes.Tagged(HashDomain.BlockHeader, System.Text.Encoding.UTF8.GetBytes(name)), key);
        GovChain.Protocol.Evidence Pair(Vote a, Vote b) => new() { DuplicateVote = new DuplicateVoteEvidence { VoteA = a, VoteB = b } };

        var canonical = EvidenceCanonicalForm.Canonicalize(Pair(Prevote(0, "x"), Prevote(0, "y")));
        _reversed = Pair(canonical.DuplicateVote.VoteB, canonical.DuplicateVote.VoteA);

        // 32 offences, each reported four times in both orders.
        _burst = Enumerable.Range(0, 32)
            .SelectMany(r => new[] { ("x", "y"), ("y", "x"), ("x", "z"), ("z", "y") }.Select(p => Pair(Prevote((uint)r, p.Item1), Prevote((uint)r, p.Item2))))
            .ToArray();
    }

    [Benchmark]
    public GovChain.Protocol.Evidence CanonicalizeReversedVotes() => EvidenceCanonicalForm.Canonicalize(_reversed);

    [Benchmark]
    public bool OffenceOfVotes() => EvidenceOffence.TryFrom(_reversed, out _);

    [Benchmark]
    public int PoolAbsorbsBurstOf128Reports()
    {
        var pool = new EvidencePool(256);
        foreach (var piece in _burst)
        {
            pool.Add(piece);
        }

        return pool.Count;
    }
}
