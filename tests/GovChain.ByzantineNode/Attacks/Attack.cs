using GovChain.Protocol;

namespace GovChain.ByzantineNode.Attacks;

/// <summary>
/// One way for a validator to misbehave, plugged into <see cref="AttackingPeerNetwork"/>: the
/// node underneath stays honest (it follows the protocol, signs with its key and votes), and
/// the attack rewrites what leaves it or adds to it. Every attack logs each time it strikes
/// (<see cref="AttackLog.Struck"/>), so a test can tell the attack really happened.
/// </summary>
internal abstract class Attack
{
    /// <summary>The name of the mode on the command line (<c>--mode NAME</c>).</summary>
    public abstract string Mode { get; }

    /// <summary>
    /// A proposal this node signed, about to be broadcast (first send and every retransmission);
    /// true when the attack took over sending it, false to let it go out unchanged.
    /// </summary>
    public virtual bool OnOwnProposal(Proposal proposal, AttackContext context) => false;

    /// <summary>Runs beside the node until <paramref name="stop"/>; flooding attacks send from here.</summary>
    public virtual Task RunAsync(AttackContext context, CancellationToken stop) => Task.CompletedTask;

    /// <summary>The committed height this node tells its peers (handshake and status reports).</summary>
    public virtual ulong ReportedHeight(ulong honestHeight) => honestHeight;
}
