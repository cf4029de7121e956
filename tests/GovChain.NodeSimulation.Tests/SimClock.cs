namespace GovChain.NodeSimulation.Tests;

/// <summary>
/// The manual clock every simulated node is given: time is the scheduler's, and a timer is an
/// action on the scheduler, so it fires on the simulator's thread at its simulated instant.
/// </summary>
internal sealed class SimClock : TimeProvider
{
    /// <summary>The simulated epoch: fixed, so block times (and so block hashes) repeat with the seed.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly SimScheduler _scheduler;

    public SimClock(SimScheduler scheduler) => _scheduler = scheduler;

    public override DateTimeOffset GetUtcNow() => Epoch + _scheduler.Now;

    public override long GetTimestamp() => _scheduler.NowTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new SimTimer(_scheduler, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class SimTimer(SimScheduler scheduler, TimerCallback callback, object? state) : ITimer
    {
        private long _generation;
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed)
            {
                return false;
            }

            var generation = ++_generation;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }

            scheduler.After(dueTime, () =>
            {
                if (_disposed || generation != _generation)
                {
                    return;
                }

                if (period != Timeout.InfiniteTimeSpan && period > TimeSpan.Zero)
                {
                    Change(period, period);
                }

                callback(state);
            });
            return true;
        }

        public void Dispose()
        {
            _disposed = true;
            _generation++;
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
