using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Consensus.Tests;

public sealed class ProposerScheduleTests
{
    private static WeightedValidatorSet SetOf(params ulong[] powers) =>
        new(powers.Select((p, i) => new Validator
        {
            DepartmentId = $"d{i}",
            PublicKey = ByteString.CopyFrom(Enumerable.Repeat((byte)(i + 1), 32).ToArray()),
            VotingPower = p,
        }));

    [Fact]
    public void ProposerIndex_EqualPowers_EveryValidatorOnceEveryNHeights()
    {
        var schedule = ProposerSchedule.For(SetOf(1, 1, 1, 1, 1));
        for (ulong start = 1; start < 20; start++)
        {
            var proposers = Enumerable.Range(0, 5).Select(k => schedule.ProposerIndex(start + (ulong)k, 0)).ToHashSet();
            Assert.Equal(5, proposers.Count);
        }
    }

    [Fact]
    public void ProposerIndex_NextRound_IsNextProposer()
    {
        var schedule = ProposerSchedule.For(SetOf(1, 1, 1, 1));
        Assert.NotEqual(schedule.ProposerIndex(7, 0), schedule.ProposerIndex(7, 1));
        Assert.Equal(schedule.ProposerIndex(8, 0), schedule.ProposerIndex(7, 1));
    }

    [Fact]
    public void ProposerIndex_WeightedPowers_ProposesInProportionOverACycle()
    {
        var schedule = ProposerSchedule.For(SetOf(1, 2, 5));
        Assert.Equal(8, schedule.CycleLength);
        var counts = new int[3];
        for (ulong h = 100; h < 108; h++)
        {
            counts[schedule.ProposerIndex(h, 0)]++;
        }

        Assert.Equal([1, 2, 5], counts);
    }

    [Fact]
    public void ProposerIndex_HugePowers_ScaledCycleStillGivesEveryoneASlot()
    {
        var schedule = ProposerSchedule.For(SetOf(1, 1_000_000_000, 3));
        Assert.True(schedule.CycleLength <= ProposerSchedule.MaxCycleLength);
        var seen = Enumerable.Range(0, schedule.CycleLength).Select(k => schedule.ProposerIndex((ulong)k, 0)).ToHashSet();
        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public void ProposerIndex_EqualSetsBuiltSeparately_SameProposers()
    {
        var a = ProposerSchedule.For(SetOf(3, 1, 2));
        var b = ProposerSchedule.For(SetOf(3, 1, 2));
        for (ulong h = 1; h < 50; h++)
        {
            Assert.Equal(a.ProposerIndex(h, (uint)(h % 3)), b.ProposerIndex(h, (uint)(h % 3)));
        }
    }

    [Fact]
    public void ProposerIndex_AnySmallPowers_CycleCountsEqualPowers()
    {
        var property = Prop.ForAll(
            Gen.Choose(1, 9).ArrayOf().Where(a => a.Length is > 0 and <= 12).ToArbitrary(),
            powers =>
            {
                var schedule = ProposerSchedule.For(SetOf(powers.Select(p => (ulong)p).ToArray()));
                var counts = new int[powers.Length];
                for (var k = 0; k < schedule.CycleLength; k++)
                {
                    counts[schedule.ProposerIndex((ulong)k, 0)]++;
                }

                return counts.SequenceEqual(powers);
            });
        property.QuickCheckThrowOnFailure();
    }
}
