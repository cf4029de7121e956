using GovChain.Consensus;

namespace GovChain.Node.Consensus;

/// <summary>
/// The idle policy: while the mempool is empty, a height's first round waits up to
/// <see cref="ConsensusDriverOptions.IdleBlockInterval"/> for a transaction before its proposer
/// makes an empty block, so a quiet network commits one block per interval (for liveness and
/// the header's time) instead of one per second.
/// </summary>
/// <remarks>
/// Only the moment of proposing and of giving up on a proposal moves; the protocol, the block
/// contents and the header's time rules do not. The proposer waits in <see cref="RequestProposal"/>;
/// every other validator holds its round-0 propose timeout until the interval has passed plus a
/// full propose timeout, so the proposer's empty block is not prevoted nil. A transaction arriving
/// ends both waits: the proposer proposes at once, and a held timeout is re-armed for a full
/// propose timeout from then. A proposer that is down is noticed one interval later than without
/// the policy, which only delays an idle network.
/// </remarks>
public sealed partial class ConsensusDriver
{
    private ITimer? _idleTimer;
    private TimeoutFired? _heldPropose;
    private (ulong Height, long Deadline) _idleDeadline;

    private bool IdlePolicyOn => _options.IdleBlockInterval > TimeSpan.Zero;

    private TimeSpan RoundZeroProposeTimeout => TimeSpan.FromMilliseconds(_options.Protocol.Timeouts.ProposeMs);

    /// <summary>Called as the round-0 propose timeout of a height is armed: the height's idle window starts now.</summary>
    private void NoteRoundZeroStarted(ulong height)
    {
        if (IdlePolicyOn && _idleDeadline.Height != height)
        {
            _idleDeadline = (height, _time.GetTimestamp() + (long)(_options.IdleBlockInterval.TotalSeconds * _time.TimestampFrequency));
        }
    }

    /// <summary>How long the proposer of (height, round) waits for a transaction before proposing an empty block.</summary>
    private TimeSpan EmptyProposalWait(ulong height, uint round)
    {
        if (!IdlePolicyOn || round != 0)
        {
            return _options.EmptyBlockDelay;
        }

        NoteRoundZeroStarted(height);
        var left = IdleLeft(height);
        return left > _options.EmptyBlockDelay ? left : _options.EmptyBlockDelay;
    }

    private TimeSpan IdleLeft(ulong height)
    {
        if (_idleDeadline.Height != height)
        {
            return TimeSpan.Zero;
        }

        var ticks = _idleDeadline.Deadline - _time.GetTimestamp();
        return ticks <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(ticks / (double)_time.TimestampFrequency);
    }

    /// <summary>
    /// True when this round-0 propose timeout is held back because the network is idle; it is
    /// fed later by the idle timer (or re-armed when a transaction arrives).
    /// </summary>
    private bool HoldWhileIdle(TimeoutFired fired)
    {
        var machine = _machine;
        if (!IdlePolicyOn || fired.Kind != TimeoutKind.Propose || fired.Round != 0 || machine is null
            || machine.Height != fired.Height || machine.Round != 0 || machine.Step != RoundStep.Propose || _pool.Count > 0)
        {
            return false;
        }

        var left = IdleLeft(fired.Height);
        if (left <= TimeSpan.Zero)
        {
            return false;
        }

        var release = new IdleTimeoutReleased(fired);
        lock (_proposalGate)
        {
            _idleTimer?.Dispose();
            _heldPropose = fired;
            _idleTimer = _time.CreateTimer(
                static s => { var (driver, e) = ((ConsensusDriver, IdleTimeoutReleased))s!; driver.Post(e); },
                (this, release),
                left + RoundZeroProposeTimeout,
                Timeout.InfiniteTimeSpan);
        }

        return true;
    }

    /// <summary>A transaction arrived while a propose timeout was held: it runs again, a full propose timeout from now.</summary>
    private void ReleaseHeldTimeoutSoon()
    {
        lock (_proposalGate)
        {
            if (_heldPropose is null)
            {
                return;
            }

            _heldPropose = null;
            _idleTimer?.Change(RoundZeroProposeTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void FeedReleased(IdleTimeoutReleased released)
    {
        lock (_proposalGate)
        {
            _heldPropose = null;
        }

        Feed(released.Timeout);
    }

    private void DisposeIdleTimer()
    {
        lock (_proposalGate)
        {
            _idleTimer?.Dispose();
            _idleTimer = null;
            _heldPropose = null;
        }
    }
}
