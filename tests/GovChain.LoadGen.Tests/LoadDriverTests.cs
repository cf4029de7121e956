using Grpc.Core;

namespace GovChain.LoadGen.Tests;

public sealed class LoadDriverTests
{
    [Theory]
    [InlineData("750", 750)]
    [InlineData("1", 10)]
    [InlineData("600000", 5000)]
    [InlineData("soon", 20)]
    public void RetryAfter_FollowsTheNodesHint_WithinBounds(string hint, int expectedMs)
    {
        var refusal = new RpcException(new Status(StatusCode.ResourceExhausted, "full"), new Metadata { { LoadDriver.RetryAfterTrailer, hint } });

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), LoadDriver.RetryAfter(refusal));
    }

    [Fact]
    public void RetryAfter_WithoutAHint_BacksOffBriefly() =>
        Assert.Equal(TimeSpan.FromMilliseconds(20), LoadDriver.RetryAfter(new RpcException(new Status(StatusCode.ResourceExhausted, "full"))));
}
