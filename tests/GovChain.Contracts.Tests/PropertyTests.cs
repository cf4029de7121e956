using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Contracts.Tests.Support;
using GovChain.Core.Transactions;

namespace GovChain.Contracts.Tests;

public sealed class PropertyTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(100).WithEndSize(30);

    // Weighted towards the transfer steps and the expected signer, so random runs reach
    // accepted offers and liens often instead of failing at the first step.
    private static Gen<LandOp> OpGen =>
        from kind in Gen.Frequency((8, Gen.Constant(LandOp.Advance)), (3, Gen.Choose(0, 2)), (1, Gen.Constant(3)), (1, Gen.Constant(4)), (2, Gen.Constant(5)), (1, Gen.Choose(6, 7)))
        from parcel in Gen.Choose(0, 1)
        from actor in Gen.Frequency((3, Gen.Constant(LandOp.NaturalActor)), (2, Gen.Choose(0, 5)))
        from target in Gen.Choose(0, 5)
        select new LandOp(kind, parcel, actor, target);

    /// <summary>Operations grouped into blocks of 1 to 4 transactions.</summary>
    private static Arbitrary<LandOp[][]> Blocks =>
        Gen.ArrayOf(Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(OpGen, n))).ToArbitrary();

    [Fact]
    public void ParcelOwnership_IsConservedAndChangesOnlyByApprovedTransfer()
    {
        Prop.ForAll(Blocks, blocks =>
        {
            using var chain = new TestChain();
            var scenario = new LandScenario(chain);
            var actorKeys = scenario.Actors.Select(a => ByteString.CopyFrom(a.PublicKey)).ToHashSet();
            foreach (var ops in blocks)
            {
                var before = Enumerable.Range(0, 3).Select(i => scenario.Parcel(chain.State, i)!).ToArray();
                var txs = ops.Select(op =>
                {
                    var resolved = LandScenario.Resolve(op, before[op.Parcel]);
                    return scenario.Tx(scenario.Signer(resolved, before[op.Parcel]), scenario.Call(resolved, before[op.Parcel]), chain.State);
                }).ToArray();
                var result = chain.Block(txs);
                for (var i = 0; i < 3; i++)
                {
                    var after = scenario.Parcel(chain.State, i);
                    if (after is null || after.Owner.Length != 32 || !actorKeys.Contains(after.Owner))
                    {
                        return false;
                    }

                    // The owner moves only by an approved transfer: it ends where the last one sent it.
                    var last = result.Events.LastOrDefault(e => e.Name == "parcel_transferred" && e.Attributes[0].Value == LandScenario.ParcelIds[i]);
                    var expected = last is null ? Convert.ToHexStringLower(before[i].Owner.Span) : last.Attributes[2].Value;
                    if (Convert.ToHexStringLower(after.Owner.Span) != expected)
                    {
                        return false;
                    }
                }
            }

            return Enumerable.Range(0, 3).All(i => scenario.HistoryConsistent(chain.State, i));
        }).Check(Quick);
    }

    [Fact]
    public void NoStateChange_WithoutTheRequiredRoleOrOwnership()
    {
        Prop.ForAll(Gen.ArrayOf(OpGen).ToArbitrary(), ops =>
        {
            using var chain = new TestChain();
            var scenario = new LandScenario(chain);
            foreach (var generated in ops)
            {
                var before = scenario.Parcel(chain.State, generated.Parcel)!;
                var op = LandScenario.Resolve(generated, before);
                var signer = scenario.Signer(op, before);
                var result = chain.Block(scenario.Tx(signer, scenario.Call(op, before), chain.State));
                if (!scenario.HasStanding(op, signer, before))
                {
                    if (result.Receipts[0].Code == 0 || !LandScenario.OnlyNonceChanged(result.Changes, signer))
                    {
                        return false;
                    }
                }
                else if (result.Receipts[0].Code != 0 && !LandScenario.OnlyNonceChanged(result.Changes, signer))
                {
                    return false;
                }

                if (result.Receipts[0].Code != 0 && result.Changes.Count != 1)
                {
                    return false;
                }
            }

            return true;
        }).Check(Quick);
    }

    [Fact]
    public void TamperedTransaction_NeverVerifies_SoNeverReachesTheEngine()
    {
        using var chain = new TestChain();
        var signed = LandCalls.RegisterParcel("P-0", chain.Registrar.PublicKey, new byte[32], 1).Sign(TestChain.ChainId, chain.Registrar, 1);
        var body = signed.Body.ToByteArray();
        var signature = signed.Signature.ToByteArray();

        Prop.ForAll(Gen.Choose(0, body.Length + signature.Length - 1).ToArbitrary(), Gen.Choose(1, 255).ToArbitrary(), (position, flip) =>
        {
            var b = (byte[])body.Clone();
            var s = (byte[])signature.Clone();
            if (position < b.Length)
            {
                b[position] ^= (byte)flip;
            }
            else
            {
                s[position - b.Length] ^= (byte)flip;
            }

            var tampered = new Protocol.SignedTransaction { Body = ByteString.CopyFrom(b), Signature = ByteString.CopyFrom(s) };
            return !TransactionVerifier.TryVerify(tampered, TestChain.ChainId, 1 << 20, out _, out _, out _);
        }).Check(Quick);
    }

    [Fact]
    public void SameTransactionsTwiceFromSameState_GiveTheSameRootAndReceipts()
    {
        Prop.ForAll(Blocks, blocks =>
        {
            using var chain = new TestChain();
            var scenario = new LandScenario(chain);
            var start = chain.State.Clone();
            var planned = new List<VerifiedTransaction[]>();
            foreach (var ops in blocks)
            {
                var txs = ops.Select(op =>
                {
                    var parcel = scenario.Parcel(chain.State, op.Parcel)!;
                    var resolved = LandScenario.Resolve(op, parcel);
                    return scenario.Tx(scenario.Signer(resolved, parcel), scenario.Call(resolved, parcel), chain.State);
                }).ToArray();
                planned.Add(txs);
                chain.Block(txs);
            }

            var (rootA, receiptsA) = Replay(start.Clone(), planned, chain.Height - (ulong)planned.Count);
            var (rootB, receiptsB) = Replay(start.Clone(), planned, chain.Height - (ulong)planned.Count);
            return rootA == rootB && rootA == chain.State.Root() && receiptsA.SequenceEqual(receiptsB);
        }).Check(Quick);
    }

    private static (Core.Hashing.Hash32 Root, List<ByteString> Receipts) Replay(MemoryState state, List<VerifiedTransaction[]> blocks, ulong startHeight)
    {
        var engine = new ContractEngine();
        var receipts = new List<ByteString>();
        var height = startHeight;
        foreach (var txs in blocks)
        {
            height++;
            var block = new BlockContext(TestChain.ChainId, height, 1_700_000_000_000 + ((long)height * 1000), ByteString.Empty);
            var result = engine.ExecuteBlock(block, txs, state);
            state.Apply(result.Changes);
            receipts.AddRange(result.Receipts.Select(r => r.ToByteString()));
        }

        return (state.Root(), receipts);
    }
}

internal static class PropertyExtensions
{
    public static void Check(this Property property, Config config) => FsCheck.Check.One(config, property);
}
