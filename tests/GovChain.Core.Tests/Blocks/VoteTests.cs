using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Core.Tests.Blocks;

public class VoteTests
{
    private static readonly Hash32 BlockHash = Hashes.Tagged(HashDomain.BlockHeader, [7]);

    [Fact]
    public void VerifySignature_SignedVote_Verifies_AndNilVoteToo()
    {
        using var key = TestKeys.Key(0);

        Assert.True(Votes.VerifySignature(TestKeys.ChainId, Votes.Sign(TestKeys.ChainId, VoteType.Prevote, 3, 0, BlockHash, key)));
        Assert.True(Votes.VerifySignature(TestKeys.ChainId, Votes.Sign(TestKeys.ChainId, VoteType.Precommit, 3, 0, null, key)));
    }

    [Fact]
    public void VerifySignature_AnyChangedField_FailsVerification()
    {
        using var key = TestKeys.Key(0);
        var vote = Votes.Sign(TestKeys.ChainId, VoteType.Prevote, 3, 0, BlockHash, key);

        Assert.False(Votes.VerifySignature("other", vote));
        Assert.False(Votes.VerifySignature(TestKeys.ChainId, Mutate(vote, v => v.Height = 4)));
        Assert.False(Votes.VerifySignature(TestKeys.ChainId, Mutate(vote, v => v.Round = 1)));
        Assert.False(Votes.VerifySignature(TestKeys.ChainId, Mutate(vote, v => v.Type = VoteType.Precommit)));
        Assert.False(Votes.VerifySignature(TestKeys.ChainId, Mutate(vote, v => v.BlockHash = Google.Protobuf.ByteString.Empty)));
        Assert.False(Votes.VerifySignature(TestKeys.ChainId, Mutate(vote, v => v.Type = VoteType.Unspecified)));
        Assert.False(Votes.VerifySignature(TestKeys.ChainId, Mutate(vote, v => v.BlockHash = Google.Protobuf.ByteString.CopyFrom(new byte[5]))));
    }

    [Fact]
    public void ProposalSignature_CoversHeaderHashAndPolRound()
    {
        using var key = TestKeys.Key(0);
        var block = new Block { Header = new BlockHeader { ChainId = TestKeys.ChainId, Height = 1, TimeUnixMs = 1000 } };
        var proposal = Votes.SignProposal(TestKeys.ChainId, 1, 0, -1, block, key);

        Assert.True(Votes.VerifyProposalSignature(TestKeys.ChainId, proposal));
        Assert.False(Votes.VerifyProposalSignature(TestKeys.ChainId, Mutate(proposal, p => p.PolRound = 0)));
        Assert.False(Votes.VerifyProposalSignature(TestKeys.ChainId, Mutate(proposal, p => p.Block.Header.TimeUnixMs = 1001)));
        Assert.False(Votes.VerifyProposalSignature(TestKeys.ChainId, Mutate(proposal, p => p.Block = null)));
    }

    [Fact]
    public void SignBytes_OfVoteAndProposal_CannotCollide()
    {
        var vote = SignBytes.Vote(TestKeys.ChainId, new Vote { Type = VoteType.Prevote, Height = 1, Round = 0, BlockHash = Google.Protobuf.ByteString.CopyFrom(BlockHash.ToArray()) });
        var proposal = SignBytes.Proposal(TestKeys.ChainId, 1, 0, -1, BlockHash);

        Assert.Equal((byte)HashDomain.Vote, vote[0]);
        Assert.Equal((byte)HashDomain.Proposal, proposal[0]);
    }

    private static T Mutate<T>(T message, Action<T> change)
        where T : Google.Protobuf.IDeepCloneable<T>
    {
        var copy = message.Clone();
        change(copy);
        return copy;
    }
}
