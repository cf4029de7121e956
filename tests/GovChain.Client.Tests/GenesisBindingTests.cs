using GovChain.Client.Verification;
using GovChain.Core.Genesis;
using GovChain.Tests.Fixtures;

namespace GovChain.Client.Tests;

/// <summary>
/// A proof is checked against one exact genesis, not only its chain id: a genesis with the same
/// chain id and the same validator keys but another founding time refuses the proof.
/// </summary>
public sealed class GenesisBindingTests
{
    [Fact]
    public void VerifyTransaction_AgainstAnotherGenesisWithTheSameChainIdAndKeys_IsRefused()
    {
        using var chain = new HopChainFixture();
        var other = chain.Genesis.Proto.Clone();
        other.GenesisTimeUnixMs += 1;
        var impostor = GenesisDocument.FromProto(other);
        Assert.Equal(chain.Genesis.ChainId, impostor.ChainId);
        Assert.Equal(chain.Genesis.Validators.Hash, impostor.Validators.Hash);

        Assert.True(new ProofVerifier(chain.Genesis).VerifyTransaction(chain.Proof).IsProven);
        var refused = new ProofVerifier(impostor).VerifyTransaction(chain.Proof);

        Assert.False(refused.IsProven);
        Assert.Contains("not certified", refused.Problem, StringComparison.Ordinal);
    }
}
