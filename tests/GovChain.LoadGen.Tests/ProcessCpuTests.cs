using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;

namespace GovChain.LoadGen.Tests;

public sealed class ProcessCpuTests
{
    [Fact]
    public void ParseStat_CommandNameWithSpacesAndParentheses_ReadsUserPlusSystemTicks()
    {
        // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        const string Stat = "4242 (my (odd) node) S 1 4242 4242 0 -1 4194560 1500 0 3 0 250 50 0 0 20 0 30 0 123456 0 0";

        Assert.Equal(TimeSpan.FromSeconds(3), ProcessCpu.ParseStat(Stat, 100));
        Assert.Equal(TimeSpan.FromSeconds(1.2), ProcessCpu.ParseStat(Stat, 250));
    }

    [Theory]
    [InlineData("")]
    [InlineData("4242 no parentheses S 1 2 3")]
    [InlineData("4242 (short) S 1 2 3")]
    [InlineData("4242 (x) S 1 4242 4242 0 -1 4194560 1500 0 3 0 abc 50 0")]
    [InlineData("4242 (x) S 1 4242 4242 0 -1 4194560 1500 0 3 0 -5 50 0")]
    public void ParseStat_Malformed_ReturnsNull(string stat)
    {
        Assert.Null(ProcessCpu.ParseStat(stat, 100));
    }

    [Fact]
    public void ParseStat_AnyTicks_IsTheirSumOverTheClockRate()
    {
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (user, system) =>
        {
            var stat = $"1 (n) R 0 0 0 0 0 0 0 0 0 0 {user} {system} 0 0";
            return ProcessCpu.ParseStat(stat, 100) == TimeSpan.FromSeconds(((double)user + system) / 100);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Read_ThisProcessAfterWork_Grows()
    {
        var before = ProcessCpu.Read(Environment.ProcessId);
        Assert.NotNull(before);

        // CPU time moves in clock ticks: work until it has moved, bounded generously for a loaded machine.
        var deadline = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
        var sink = 0L;
        TimeSpan? after = before;
        while (after <= before && Stopwatch.GetTimestamp() < deadline)
        {
            for (var i = 0; i < 5_000_000; i++)
            {
                sink += i ^ (sink >> 3);
            }

            after = ProcessCpu.Read(Environment.ProcessId);
        }

        Assert.True(after > before, $"CPU time did not grow ({before} -> {after}, {sink})");
    }

    [Fact]
    public void Read_NoSuchProcess_ReturnsNull()
    {
        Assert.Null(ProcessCpu.Read(int.MaxValue));
    }

    [Fact]
    public void TicksPerSecond_IsTheKernelClockRate()
    {
        Assert.InRange(ProcessCpu.TicksPerSecond, 1, 100_000);
    }
}
