namespace GovChain.NodeSimulation.Tests;

/// <summary>
/// The simulator's single event queue: every message delivery, timer, client submission and
/// block-sync answer is an action at a simulated instant; ties run in the order they were
/// scheduled, so one seed always gives one order.
/// </summary>
internal sealed class SimScheduler
{
    private readonly PriorityQueue<Action, (long At, long Seq)> _queue = new();
    private long _seq;

    /// <summary>Simulated time since the start, in ticks.</summary>
    public long NowTicks { get; private set; }

    public TimeSpan Now => TimeSpan.FromTicks(NowTicks);

    public int Pending => _queue.Count;

    public long Executed { get; private set; }

    public void At(long ticks, Action action) => _queue.Enqueue(action, (Math.Max(ticks, NowTicks), _seq++));

    public void After(TimeSpan delay, Action action) => At(NowTicks + Math.Max(0, delay.Ticks), action);

    /// <summary>Runs the next action due no later than <paramref name="limitTicks"/>; false when there is none.</summary>
    public bool RunNext(long limitTicks)
    {
        if (!_queue.TryPeek(out _, out var key) || key.At > limitTicks)
        {
            // Nothing due before the limit: the time in between passes idle.
            NowTicks = Math.Max(NowTicks, limitTicks);
            return false;
        }

        var action = _queue.Dequeue();
        NowTicks = key.At;
        Executed++;
        action();
        return true;
    }
}
