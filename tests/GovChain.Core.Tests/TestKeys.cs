using GovChain.Core.Crypto;
using GovChain.Core.Validators;
using GovChain.Protocol;
using Google.Protobuf;

namespace GovChain.Core.Tests;

/// <summary>Deterministic keys and validator sets for tests: key i is derived from seed byte i.</summary>
internal static class TestKeys
{
    public const string ChainId = "govchain-test";

    public static KeyPair Key(int i)
    {
        var seed = new byte[Ed25519.SeedSize];
        seed[0] = (byte)(i + 1);
        seed[31] = 0x5A;
        return KeyPair.FromSeed(seed);
    }

    public static (KeyPair[] Keys, WeightedValidatorSet Set) Validators(params ulong[] powers)
    {
        var keys = powers.Select((_, i) => Key(i)).ToArray();
        var set = new WeightedValidatorSet(keys.Select((k, i) => new Validator
        {
            DepartmentId = $"dept-{i}",
            PublicKey = ByteString.CopyFrom(k.PublicKey),
            VotingPower = powers[i],
        }));
        return (keys, set);
    }
}
