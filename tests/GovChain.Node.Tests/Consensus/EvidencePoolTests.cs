using GovChain.Consensus;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Node.Consensus;
using GovChain.Protocol;

namespace GovChain.Node.Tests.Consensus;

public sealed class EvidencePoolTests : IDisposable
{
    private const string ChainId = "pool-test";
    private readonly KeyPair _key = KeyPair.Generate();

    public void Dispose() => _key.Dispose();

    private Vote Precommit(string name, ulong height = 1, uint round = 0) =>
        Votes.Sign(ChainId, VoteType.Precommit, height, round, Hashes.Tagged(HashDomain.Evidence, System.Text.Encoding.UTF8.GetBytes(name)), _key);

    private static Evidence Pair(Vote a, Vote b) => new() { DuplicateVote = new DuplicateVoteEvidence { VoteA = a, VoteB = b } };

    [Fact]
    public void Add_SameOffenceInEitherOrderOrAnotherPair_KeepsOneCanonicalPiece()
    {
        var pool = new EvidencePool(8);
        var (x, y, z) = (Precommit("x"), Precommit("y"), Precommit("z"));

        Assert.True(pool.Add(Pair(y, x)));
        Assert.False(pool.Add(Pair(x, y)));
        Assert.False(pool.Add(Pair(x, z)));

        var kept = Assert.Single(pool.Pending);
        Assert.True(EvidenceCanonicalForm.IsCanonical(kept));
        Assert.Equal(EvidenceCanonicalForm.Canonicalize(Pair(x, y)), kept);
    }

    [Fact]
    public void Add_MalformedEvidence_IsNotKept()
    {
        var pool = new EvidencePool(8);

        Assert.False(pool.Add(new Evidence()));
        Assert.False(pool.Add(new Evidence { DuplicateVote = new DuplicateVoteEvidence() }));
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void Add_BeyondCapacity_DropsTheOldestOffence()
    {
        var pool = new EvidencePool(2);

        for (uint round = 0; round < 3; round++)
        {
            Assert.True(pool.Add(Pair(Precommit("x", round: round), Precommit("y", round: round))));
        }

        Assert.Equal(2, pool.Count);
        Assert.Equal([1u, 2u], pool.Pending.Select(e => e.DuplicateVote.VoteA.Round));
        // The dropped offence may come back; the kept ones still may not.
        Assert.True(pool.Add(Pair(Precommit("x", round: 0), Precommit("z", round: 0))));
        Assert.False(pool.Add(Pair(Precommit("x", round: 2), Precommit("z", round: 2))));
    }

    [Fact]
    public void OnCommitted_OffenceCarriedByAnotherPair_IsForgottenAndNotTakenAgain()
    {
        var pool = new EvidencePool(8);
        var (x, y, z) = (Precommit("x"), Precommit("y"), Precommit("z"));
        var other = Pair(Precommit("x", round: 1), Precommit("y", round: 1));
        Assert.True(pool.Add(Pair(x, y)));
        Assert.True(pool.Add(other));

        pool.OnCommitted(2, [EvidenceCanonicalForm.Canonicalize(Pair(x, z))]);

        Assert.Equal(EvidenceCanonicalForm.Canonicalize(other), Assert.Single(pool.Pending));
        Assert.False(pool.Add(Pair(y, z)));
    }

    [Fact]
    public void OnCommitted_HeightBeyondMaxAge_DropsExpiredPieces()
    {
        var pool = new EvidencePool(8);
        Assert.True(pool.Add(Pair(Precommit("x", height: 1), Precommit("y", height: 1))));
        Assert.True(pool.Add(Pair(Precommit("x", height: 10), Precommit("y", height: 10))));

        pool.OnCommitted(EvidenceOffence.MaxAgeHeights, []);
        Assert.Equal(2, pool.Count);
        pool.OnCommitted(EvidenceOffence.MaxAgeHeights + 1, []);

        Assert.Equal(10ul, Assert.Single(pool.Pending).DuplicateVote.VoteA.Height);
    }
}
