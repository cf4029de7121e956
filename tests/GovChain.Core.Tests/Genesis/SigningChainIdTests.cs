using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Core.Tests.Genesis;

/// <summary>Votes sign the chain id bound to the genesis hash, so one chain id started twice is two chains.</summary>
public class SigningChainIdTests
{
    private static GenesisDocument Genesis(long time)
    {
        var g = new Protocol.Genesis { ChainId = TestKeys.ChainId, GenesisTimeUnixMs = time };
        for (var i = 0; i < 4; i++)
        {
            using var key = TestKeys.Key(i);
            g.Departments.Add(new Department { Id = $"d{i}", ValidatorKey = ByteString.CopyFrom(key.PublicKey), VotingPower = 1 });
        }

        return GenesisDocument.FromProto(g);
    }

    [Fact]
    public void SigningChainId_IsTheChainIdAndTheGenesisHashInHex_AndFitsTheSignBytes()
    {
        var genesis = Genesis(1_700_000_000_000);

        Assert.Equal($"{TestKeys.ChainId}/{genesis.Hash}", genesis.SigningChainId);
        Assert.Equal(TestKeys.ChainId, genesis.ChainId);
        Assert.Equal(64, genesis.Hash.ToString().Length);

        // The longest chain id a genesis allows still fits the sign-bytes layout.
        var longest = GenesisDocument.SigningIdOf(new string('c', 64), genesis.Hash);
        Assert.Equal(SignBytes.MaxSigningIdBytes, longest.Length);
        var bytes = SignBytes.Vote(longest, new Vote { Type = VoteType.Precommit, Height = 1, BlockHash = ByteString.CopyFrom(new byte[32]) });
        Assert.Equal(SignBytes.MaxVoteSignBytes, bytes.Length);
    }

    [Fact]
    public void Certificate_SignedForAnotherGenesisWithTheSameChainId_IsRefused()
    {
        var ours = Genesis(1_700_000_000_000);
        var theirs = Genesis(1_700_000_000_001);
        Assert.Equal(ours.ChainId, theirs.ChainId);
        Assert.NotEqual(ours.SigningChainId, theirs.SigningChainId);

        var hash = Hashes.Plain("block"u8);
        var keys = Enumerable.Range(0, 4).Select(TestKeys.Key).ToArray();
        try
        {
            var signedForTheirs = CommitCertificates.FromPrecommits(5, 0, hash, keys.Select(k => Votes.Sign(theirs.SigningChainId, VoteType.Precommit, 5, 0, hash, k)));

            Assert.True(CommitCertificates.Verify(signedForTheirs, theirs.Validators, theirs.SigningChainId, 5, hash).IsValid);
            Assert.False(CommitCertificates.Verify(signedForTheirs, ours.Validators, ours.SigningChainId, 5, hash).IsValid);
        }
        finally
        {
            foreach (var k in keys)
            {
                k.Dispose();
            }
        }
    }
}
