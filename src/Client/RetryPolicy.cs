using Grpc.Core;

namespace GovChain.Client;

/// <summary>One retry about to happen: which attempt failed, with what, and how long the client waits before the next.</summary>
public readonly record struct RetryAttempt(int FailedAttempt, RpcException Error, TimeSpan Delay);

/// <summary>
/// Retries calls that failed with UNAVAILABLE (node unreachable, restarting, shutting down):
/// capped exponential back-off with jitter, so many clients of a restarted node do not come
/// back in lock-step. Nothing else is retried: every other status is the node's answer.
/// </summary>
public sealed record RetryPolicy
{
    /// <summary>No retry at all.</summary>
    public static RetryPolicy None { get; } = new() { MaxAttempts = 1 };

    public static RetryPolicy Default { get; } = new();

    /// <summary>Attempts in all, the first included.</summary>
    public int MaxAttempts { get; init; } = 5;

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(3);

    public double Multiplier { get; init; } = 2.0;

    /// <summary>Fraction of each delay drawn at random (0 = none, 0.2 = the delay varies by ±20 %).</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>
    /// Longest time spent retrying one call (or one stream without receiving anything), from its
    /// first failure: past it the client gives up even when attempts are left.
    /// </summary>
    public TimeSpan MaxRetryDuration { get; init; } = TimeSpan.FromSeconds(30);

    public void Validate()
    {
        if (MaxAttempts < 1 || InitialBackoff < TimeSpan.Zero || MaxBackoff < InitialBackoff || Multiplier < 1.0 || Jitter is < 0 or > 1 || MaxRetryDuration < TimeSpan.Zero)
        {
            throw new ArgumentException("A retry policy needs at least one attempt, 0 <= initial <= max back-off, a multiplier of at least 1, a jitter within [0, 1] and a retry duration of at least 0.");
        }
    }

    /// <summary>
    /// The error a call ends with when its retries are used up: still UNAVAILABLE (what the node
    /// last answered), naming the call, the attempts and the time spent, with the last failure inside.
    /// </summary>
    public static RpcException GaveUp(string call, int attempts, TimeSpan spent, RpcException last)
    {
        ArgumentNullException.ThrowIfNull(last);
        var status = last.Status.Detail.Length == 0 ? last.StatusCode.ToString() : $"{last.StatusCode}: {last.Status.Detail}";
        var detail = $"{call} failed {attempts} time{(attempts == 1 ? string.Empty : "s")} in {spent.TotalSeconds:F1} s and was given up; last: {status}";
        return new RpcException(new Status(last.StatusCode, detail, last), last.Trailers);
    }

    /// <summary>The back-off after failed attempt <paramref name="failedAttempt"/> (1-based), before jitter, never above <see cref="MaxBackoff"/>.</summary>
    public TimeSpan BaseDelay(int failedAttempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempt, 1);
        var ms = InitialBackoff.TotalMilliseconds * Math.Pow(Multiplier, Math.Min(failedAttempt - 1, 64));
        return ms >= MaxBackoff.TotalMilliseconds || double.IsInfinity(ms) ? MaxBackoff : TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>The delay actually waited: the base delay varied by the jitter, still capped.</summary>
    public TimeSpan Delay(int failedAttempt, double random01)
    {
        var baseMs = BaseDelay(failedAttempt).TotalMilliseconds;
        var ms = baseMs * (1 - Jitter + (2 * Jitter * Math.Clamp(random01, 0, 1)));
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxBackoff.TotalMilliseconds));
    }

    public static bool IsRetryable(RpcException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.StatusCode == StatusCode.Unavailable;
    }
}
