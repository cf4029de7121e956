using System.Buffers.Binary;
using GovChain.Core.Hashing;
using GovChain.Node.Chain;

namespace GovChain.Node.Tests.Chain;

public sealed class AdmissionTimesTests
{
    private static Hash32 Id(int n)
    {
        var bytes = new byte[Hash32.Size];
        BinaryPrimitives.WriteInt32BigEndian(bytes, n);
        return new Hash32(bytes);
    }

    [Fact]
    public void Admitted_BeyondTheBound_IsNotTimed()
    {
        var times = new AdmissionTimes(TimeProvider.System, 3);

        for (var i = 0; i < 10; i++)
        {
            times.Admitted(Id(i));
        }

        Assert.Equal(3, times.Count);
        Assert.NotNull(times.Committed(Id(2)));
        Assert.Null(times.Committed(Id(3)));
    }

    [Fact]
    public void Admitted_Twice_CountsOnce()
    {
        var times = new AdmissionTimes(TimeProvider.System, 3);

        times.Admitted(Id(1));
        times.Admitted(Id(1));

        Assert.Equal(1, times.Count);
        Assert.NotNull(times.Committed(Id(1)));
        Assert.Null(times.Committed(Id(1)));
        Assert.Equal(0, times.Count);
    }

    [Fact]
    public void CommittedAndRetain_GiveTheirSlotsBack()
    {
        var times = new AdmissionTimes(TimeProvider.System, 2);
        times.Admitted(Id(1));
        times.Admitted(Id(2));

        times.Committed(Id(1));
        times.Retain(id => id != Id(2));
        Assert.Equal(0, times.Count);

        times.Admitted(Id(3));
        times.Admitted(Id(4));
        times.Admitted(Id(5));
        Assert.Equal(2, times.Count);
        Assert.Null(times.Committed(Id(5)));
    }

    [Fact]
    public async Task Admitted_FromManyThreadsAtOnce_NeverPassesTheBound()
    {
        const int bound = 500;
        var times = new AdmissionTimes(TimeProvider.System, bound);

        // Eight writers race on the last slots while one remover gives some back: the count
        // must equal what the dictionary holds and never exceed the bound.
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                times.Admitted(Id((w * 2_000) + i));
                Assert.InRange(times.Count, 0, bound);
            }
        }));
        var remover = Task.Run(() =>
        {
            for (var i = 0; i < 16_000; i += 7)
            {
                times.Committed(Id(i));
            }
        });
        await Task.WhenAll(writers.Append(remover));

        var held = 0;
        for (var i = 0; i < 16_000; i++)
        {
            if (times.Committed(Id(i)) is not null)
            {
                held++;
            }
        }

        Assert.InRange(held, 1, bound);
        Assert.Equal(0, times.Count);
    }
}
