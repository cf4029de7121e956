using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using GovChain.Core.Hashing;
using GovChain.Core.State;
using GovChain.Protocol;
using GovChain.Storage.CrashChild;

namespace GovChain.Storage.Tests.State;

/// <summary>
/// Properties of state proofs over random key sets: every member proves its value, every
/// non-member proves its absence, and no tampering or wrong root gets through the offline
/// verifier. The in-memory engine keeps each case fast; the tree code is the same on RocksDB.
/// </summary>
public sealed class StateProofProperties
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(60);

    /// <summary>A random state: distinct keys (1..24 random bytes) with random values, spread over a few blocks.</summary>
    private static Gen<List<(byte[] Key, byte[] Value)>> States =>
        from count in Gen.Choose(0, 80)
        from seed in Gen.Choose(0, int.MaxValue)
        select RandomState(count, seed);

    private static List<(byte[] Key, byte[] Value)> RandomState(int count, int seed)
    {
        var random = new Random(seed);
        var seen = new HashSet<byte[]>(ByteArrayComparer.Instance);
        var entries = new List<(byte[], byte[])>();
        while (entries.Count < count)
        {
            var key = new byte[random.Next(1, 25)];
            random.NextBytes(key);
            if (seen.Add(key))
            {
                var value = new byte[random.Next(0, 64)];
                random.NextBytes(value);
                entries.Add((key, value));
            }
        }

        return entries;
    }

    private static NodeDatabase Commit(List<(byte[] Key, byte[] Value)> state, int blocks)
    {
        var db = NodeDatabase.OpenInMemory(ChainWriter.ChainId, ChainWriter.GenesisHash);
        var perBlock = Math.Max(1, (state.Count + blocks - 1) / blocks);
        foreach (var chunk in state.Chunk(perBlock))
        {
            var changes = new StateChanges();
            foreach (var (key, value) in chunk)
            {
                changes.Set(key, value);
            }

            ChainWriter.AppendNext(db, 0, changes);
        }

        return db;
    }

    [Fact]
    public void Prove_EveryMember_VerifiesWithItsValue()
    {
        Prop.ForAll(States.ToArbitrary(), Gen.Choose(1, 5).ToArbitrary(), (state, blocks) =>
        {
            using var db = Commit(state, blocks);
            var root = db.State.Root;
            var fromScratch = StateTreeHashing.RootOf(state.Select(e => (StateTreeHashing.KeyHash(e.Key), StateTreeHashing.ValueHash(e.Value))));
            return root == fromScratch && state.All(e =>
            {
                var check = StateProofVerifier.Verify(db.State.Prove(e.Key, db.State.Height), e.Key, root);
                return check.IsValid && check.Exists && check.Value!.AsSpan().SequenceEqual(e.Value);
            });
        }).Check(Quick);
    }

    [Fact]
    public void Prove_NonMembers_VerifyAsAbsent()
    {
        Prop.ForAll(States.ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (state, seed) =>
        {
            using var db = Commit(state, 2);
            var root = db.State.Root;
            var members = new HashSet<byte[]>(state.Select(e => e.Key), ByteArrayComparer.Instance);
            return RandomState(20, seed).Select(e => e.Key).Where(k => !members.Contains(k)).All(key =>
            {
                var check = StateProofVerifier.Verify(db.State.Prove(key, db.State.Height), key, root);
                return check.IsValid && !check.Exists && check.Value is null;
            });
        }).Check(Quick);
    }

    [Fact]
    public void Verify_TamperedProofOrWrongRoot_IsRejected()
    {
        Prop.ForAll(States.ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (state, seed) =>
        {
            using var db = Commit(state, 3);
            var root = db.State.Root;
            var random = new Random(seed);
            var key = state.Count > 0 && random.Next(2) == 0 ? state[random.Next(state.Count)].Key : RandomState(1, seed)[0].Key;
            var proof = db.State.Prove(key, db.State.Height);
            var wrongRoot = Hashes.Tagged(HashDomain.StateNode, BitConverter.GetBytes(seed));

            return !StateProofVerifier.Verify(proof, key, wrongRoot).IsValid
                && Tamperings(proof, random).All(t => !StateProofVerifier.Verify(t, key, root).IsValid);
        }).Check(Quick);
    }

    /// <summary>Every way of changing a proof that must break it.</summary>
    private static IEnumerable<StateProof> Tamperings(StateProof proof, Random random)
    {
        var flippedValue = proof.Clone();
        flippedValue.Exists = !proof.Exists;
        if (!flippedValue.Exists)
        {
            flippedValue.Value = ByteString.Empty;
        }

        yield return flippedValue;

        var otherValue = proof.Clone();
        otherValue.Value = ByteString.CopyFrom([.. proof.Value.ToByteArray(), 1]);
        yield return otherValue;

        var otherKey = proof.Clone();
        otherKey.Key = ByteString.CopyFrom([.. proof.Key.ToByteArray(), 0]);
        yield return otherKey;

        if (proof.Siblings.Count > 0)
        {
            var flippedSibling = proof.Clone();
            var i = random.Next(proof.Siblings.Count);
            var bytes = proof.Siblings[i].ToByteArray();
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            flippedSibling.Siblings[i] = ByteString.CopyFrom(bytes);
            yield return flippedSibling;

            var shorter = proof.Clone();
            shorter.Siblings.RemoveAt(shorter.Siblings.Count - 1);
            yield return shorter;
        }

        var longer = proof.Clone();
        longer.Siblings.Add(ByteString.CopyFrom(new byte[32]));
        yield return longer;

        if (!proof.OtherKeyHash.IsEmpty)
        {
            var otherLeaf = proof.Clone();
            var bytes = proof.OtherValueHash.ToByteArray();
            bytes[0] ^= 1;
            otherLeaf.OtherValueHash = ByteString.CopyFrom(bytes);
            yield return otherLeaf;

            var dropped = proof.Clone();
            dropped.OtherKeyHash = ByteString.Empty;
            dropped.OtherValueHash = ByteString.Empty;
            yield return dropped;
        }
    }

    [Fact]
    public void Verify_ArbitraryBytesAsProof_NeverThrowsAndNeverProves()
    {
        using var db = Commit(RandomState(30, 7), 1);
        var root = db.State.Root;
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            StateProof proof;
            try
            {
                proof = StateProof.Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException)
            {
                return true;
            }

            return !StateProofVerifier.Verify(proof, root).IsValid;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }
}
