using FsCheck;
using FsCheck.Fluent;

namespace GovChain.Rpc.Tests.Wire;

public class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 3600_000.0)]
    [InlineData("2M", 120_000.0)]
    [InlineData("3S", 3000.0)]
    [InlineData("250m", 250.0)]
    [InlineData("1500u", 1.5)]
    [InlineData("2000000n", 2.0)]
    [InlineData("99999999S", 99_999_999_000.0)]
    public void TryParse_ValidValue_GivesDuration(string text, double expectedMs)
    {
        Assert.True(GrpcTimeout.TryParse(text, out var timeout));
        Assert.Equal(expectedMs, timeout.TotalMilliseconds, 3);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10s")]
    [InlineData("-1S")]
    [InlineData("+1S")]
    [InlineData("1.5S")]
    [InlineData("123456789S")]
    [InlineData(" 1S")]
    [InlineData("1 S")]
    public void TryParse_MalformedValue_IsRejected(string text) =>
        Assert.False(GrpcTimeout.TryParse(text, out _));

    [Fact]
    public void Format_AnyPositiveTimeout_ParsesBackNoShorterAndAtMostOneUnitLonger()
    {
        Prop.ForAll(
            (from value in Gen.Choose(1, int.MaxValue)
             from scale in Gen.Elements(1L, 10L, 1000L, 100_000L)
             select value * scale).ToArbitrary(),
            ticks =>
            {
                var timeout = TimeSpan.FromTicks(ticks);
                var text = GrpcTimeout.Format(timeout);
                Assert.True(text.Length <= 9, text);
                Assert.True(GrpcTimeout.TryParse(text, out var parsed), text);
                Assert.True(parsed >= timeout, $"{text} is shorter than {timeout}");
                var unit = text[^1] switch { 'u' => TimeSpan.FromMicroseconds(1), 'm' => TimeSpan.FromMilliseconds(1), 'S' => TimeSpan.FromSeconds(1), 'M' => TimeSpan.FromMinutes(1), _ => TimeSpan.FromHours(1) };
                Assert.True(parsed - timeout < unit, $"{text} overshoots {timeout}");
            }).QuickCheckThrowOnFailure();
    }
}
