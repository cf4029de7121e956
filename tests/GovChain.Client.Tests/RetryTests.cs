using FsCheck;
using FsCheck.Fluent;
using GovChain.Client.Tests.Support;
using Grpc.Core;

namespace GovChain.Client.Tests;

public sealed class RetryTests
{
    [Fact]
    public void BaseDelay_GrowsExponentiallyAndIsCapped()
    {
        var policy = new RetryPolicy { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(1), Multiplier = 2 };

        Assert.Equal(
            [100.0, 200.0, 400.0, 800.0, 1000.0, 1000.0],
            Enumerable.Range(1, 6).Select(a => policy.BaseDelay(a).TotalMilliseconds));
        Assert.Equal(TimeSpan.FromSeconds(1), policy.BaseDelay(10_000));
    }

    [Fact]
    public void Delay_StaysWithinJitterOfTheBaseAndNeverAboveTheCap()
    {
        var policy = new RetryPolicy { InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(700), Jitter = 0.25 };
        Prop.ForAll(
                Gen.Choose(1, 40).ToArbitrary(),
                Gen.Choose(0, 1_000_000).ToArbitrary(),
                (attempt, r) =>
                {
                    var baseMs = policy.BaseDelay(attempt).TotalMilliseconds;
                    var ms = policy.Delay(attempt, r / 1_000_000.0).TotalMilliseconds;
                    return ms >= (baseMs * 0.75) - 1e-9 && ms <= Math.Min(baseMs * 1.25, 700) + 1e-9;
                })
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Validate_NonsensePolicies_Throw()
    {
        Assert.Throws<ArgumentException>(() => new RetryPolicy { MaxAttempts = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new RetryPolicy { InitialBackoff = TimeSpan.FromSeconds(5), MaxBackoff = TimeSpan.FromSeconds(1) }.Validate());
        Assert.Throws<ArgumentException>(() => new RetryPolicy { Multiplier = 0.5 }.Validate());
    }

    [Fact]
    public async Task Call_NodeDown_RetriesOnUnavailableThenSucceedsOnceTheNodeIsUp()
    {
        // Learn a free port, then leave it closed so the first attempt is refused.
        int port;
        await using (var probe = await TestNode.StartAsync())
        {
            port = probe.Server.Port;
        }

        TestNode? node = null;
        var retries = new List<RetryAttempt>();
        var options = TestNode.FastOptions();
        options.OnRetry = async attempt =>
        {
            retries.Add(attempt);
            node ??= await TestNode.StartAsync(port: port);
        };

        try
        {
            using var client = new GovChainClient(new Uri($"http://127.0.0.1:{port}"), options);
            var status = await client.GetStatusAsync(TimeSpan.FromSeconds(10));

            Assert.Equal("land-registry", status.DepartmentId);
            Assert.NotEmpty(retries);
            Assert.All(retries, r => Assert.Equal(StatusCode.Unavailable, r.Error.StatusCode));
        }
        finally
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Call_NodeStaysDown_FailsWithUnavailableAfterMaxAttempts()
    {
        int port;
        await using (var probe = await TestNode.StartAsync())
        {
            port = probe.Server.Port;
        }

        var attempts = 0;
        var options = TestNode.FastOptions();
        options.Retry = options.Retry with { MaxAttempts = 3 };
        options.OnRetry = _ =>
        {
            attempts++;
            return Task.CompletedTask;
        };
        using var client = new GovChainClient(new Uri($"http://127.0.0.1:{port}"), options);

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.GetStatusAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task Call_RefusalOtherThanUnavailable_IsNotRetried()
    {
        await using var node = await TestNode.StartAsync();
        var attempts = 0;
        var options = TestNode.FastOptions();
        options.OnRetry = _ =>
        {
            attempts++;
            return Task.CompletedTask;
        };
        using var client = node.Client(options);

        await Assert.ThrowsAsync<RpcException>(() => client.GetStateProofAsync([]));

        Assert.Equal(0, attempts);
    }

    [Fact]
    public async Task Call_NodeStaysDown_GivesUpWithinTheRetryDuration_NamingTheCall()
    {
        var port = await DeadPortAsync();
        var options = TestNode.FastOptions();
        options.Retry = NearlyEndlessRetries();
        using var client = new GovChainClient(new Uri($"http://127.0.0.1:{port}"), options);

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.GetStatusAsync(TimeSpan.FromMinutes(30)).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains("GetStatus failed", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("given up", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_NodeStaysDown_GivesUpWithinTheRetryDuration_NamingTheStream()
    {
        var port = await DeadPortAsync();
        var options = TestNode.FastOptions();
        options.Retry = NearlyEndlessRetries();
        using var client = new GovChainClient(new Uri($"http://127.0.0.1:{port}"), options);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in client.StreamBlocksAsync(1, cancellationToken: bound.Token))
            {
            }
        });

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains("StreamBlocks failed", ex.Status.Detail, StringComparison.Ordinal);
    }

    // Attempts enough to run for hours: only the retry duration can end these retries within the test.
    private static RetryPolicy NearlyEndlessRetries() => new()
    {
        MaxAttempts = 1_000_000,
        InitialBackoff = TimeSpan.FromMilliseconds(10),
        MaxBackoff = TimeSpan.FromMilliseconds(20),
        MaxRetryDuration = TimeSpan.FromSeconds(1),
    };

    private static async Task<int> DeadPortAsync()
    {
        await using var probe = await TestNode.StartAsync();
        return probe.Server.Port;
    }
}
