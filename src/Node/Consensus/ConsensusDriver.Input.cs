using GovChain.Consensus;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Node.Consensus;

/// <summary>
/// Peers' consensus messages on their way in. On the receiving peer's own thread: cheap shape
/// checks, then the signature checks the machine would make, remembered in
/// <see cref="VerifiedSignatures"/> so the machine does not repeat them; a message whose
/// signature does not verify gets its sender reported (and banned by the network). What passes
/// waits in a per-peer queue of <see cref="PeerInbox"/>, which the loop drains round-robin.
/// </summary>
public sealed partial class ConsensusDriver
{
    private const int SignatureSize = 64;
    private readonly PeerInbox _inbox;
    private readonly VerifiedSignatures _verified;
    private readonly List<ConsensusMessage> _inboxBatch = [];
    private readonly Dictionary<Hash32, long> _reportedAt = [];
    private readonly Dictionary<Hash32, CheckBudget> _budgets = [];
    private WeightedValidatorSet? _inputValidators;
    private int _inboxSignalled;

    /// <summary>Signature checks of peers' messages: the verified ones the machine will find done.</summary>
    public VerifiedSignatures VerifiedSignatures => _verified;

    /// <summary>
    /// Screens and queues a consensus message from the authenticated peer
    /// <paramref name="from"/>, on the caller's thread. Returns false when it was refused
    /// (a signature that does not verify: the peer is reported) or its peer's queue overflowed.
    /// </summary>
    public bool TryEnqueue(Hash32 from, ConsensusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (RecentlyReported(from))
        {
            // Already reported: the network is closing its session; what is still in flight is not worth a check.
            _metrics.MessagesRejected.Add(1, new KeyValuePair<string, object?>("reason", "reported_peer"));
            return false;
        }

        switch (Screen(from, message))
        {
            case Screened.BadSignature:
                _metrics.MessagesRejected.Add(1, new KeyValuePair<string, object?>("reason", "bad_signature"));
                Report(from, $"a consensus {message.KindCase.ToString().ToLowerInvariant()} whose signature does not verify");
                return false;
            case Screened.OverBudget:
                // Validly signed, perhaps, but more new signatures than any honest validator sends: its own loss.
                _metrics.MessagesRejected.Add(1, new KeyValuePair<string, object?>("reason", "peer_check_budget"));
                return false;
        }

        var kept = _inbox.Add(from, message);
        if (!kept)
        {
            _metrics.MessagesRejected.Add(1, new KeyValuePair<string, object?>("reason", "peer_queue_full"));
        }

        if (Interlocked.Exchange(ref _inboxSignalled, 1) == 0)
        {
            Post(InboxReady.Instance);
        }

        return kept;
    }

    /// <summary>On the loop: feeds a bounded batch of peers' messages, one per peer per turn, then lets timers and other events in.</summary>
    private void TakeInbox()
    {
        Volatile.Write(ref _inboxSignalled, 0);
        _inbox.Take(_inboxBatch, _options.InputBatchMessages);
        foreach (var message in _inboxBatch)
        {
            Feed(new MessageReceived(message));
        }

        _inboxBatch.Clear();
        if (_inbox.Count > 0 && Interlocked.Exchange(ref _inboxSignalled, 1) == 0)
        {
            Post(InboxReady.Instance);
        }
    }

    /// <summary>On the loop, whenever the machine moves to a height: the validator set the input screen checks membership against.</summary>
    private void SetInputValidators(WeightedValidatorSet validators) => Volatile.Write(ref _inputValidators, validators);

    /// <summary>
    /// Bad only when a signature the machine would check does not verify. Whatever the machine
    /// drops without a check (wrong shape, stale height, outsiders) passes unchecked: it is cheap
    /// there too, and the machine's drop counters stay the one account of it. Each peer has a
    /// budget of new signature checks per second; beyond it, its messages are dropped unchecked.
    /// </summary>
    private Screened Screen(Hash32 from, ConsensusMessage message)
    {
        var validators = Volatile.Read(ref _inputValidators);
        if (validators is null)
        {
            return Screened.Pass;
        }

        var height = Height + 1;
        switch (message.KindCase)
        {
            case ConsensusMessage.KindOneofCase.Vote:
                var vote = message.Vote;
                if (vote.Height < height
                    || vote.Type is not (VoteType.Prevote or VoteType.Precommit)
                    || (vote.BlockHash.Length != 0 && vote.BlockHash.Length != Hash32.Size)
                    || vote.Validator.Length != Hash32.Size
                    || vote.Signature.Length != SignatureSize
                    || !validators.TryGetIndex(vote.Validator.Span, out _))
                {
                    return Screened.Pass;
                }

                Span<byte> buffer = stackalloc byte[SignBytes.MaxVoteSignBytes];
                var n = SignBytes.Vote(_options.Protocol.SigningId, vote.Type, vote.Height, vote.Round, vote.BlockHash.Span, buffer);
                return Check(from, vote.Validator.Span, buffer[..n], vote.Signature.Span);
            case ConsensusMessage.KindOneofCase.Proposal:
                var proposal = message.Proposal;
                if (proposal.Height < height
                    || proposal.Block?.Header is null
                    || proposal.Proposer.Length != Hash32.Size
                    || proposal.Signature.Length != SignatureSize
                    || proposal.PolRound < -1
                    || (proposal.PolRound >= 0 && (uint)proposal.PolRound >= proposal.Round)
                    || proposal.Block.Header.Height != proposal.Height
                    || proposal.Block.Header.ChainId != _options.Protocol.ChainId
                    || !validators.TryGetIndex(proposal.Proposer.Span, out _))
                {
                    return Screened.Pass;
                }

                var signed = SignBytes.Proposal(_options.Protocol.SigningId, proposal.Height, proposal.Round, proposal.PolRound, proposal.Block.Header.Hash());
                return Check(from, proposal.Proposer.Span, signed, proposal.Signature.Span);
            case ConsensusMessage.KindOneofCase.Commit:
                return ScreenCertificate(from, message.Commit, validators, height);
            default:
                return Screened.Pass;
        }
    }

    /// <summary>One signature: known already (free), or checked if the peer's budget allows.</summary>
    private Screened Check(Hash32 from, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> signed, ReadOnlySpan<byte> signature)
    {
        if (_verified.Contains(publicKey, signed, signature))
        {
            return Screened.Pass;
        }

        if (!TakeCheck(from))
        {
            return Screened.OverBudget;
        }

        return _verified.Verify(publicKey, signed, signature) ? Screened.Pass : Screened.BadSignature;
    }

    private bool TakeCheck(Hash32 from)
    {
        var rate = _options.PeerSignatureChecksPerSecond;
        if (rate <= 0)
        {
            return true;
        }

        lock (_budgets)
        {
            if (!_budgets.TryGetValue(from, out var budget))
            {
                if (_budgets.Count >= _options.MaxTrackedPeers)
                {
                    _budgets.Clear();
                }

                budget = new CheckBudget { Tokens = rate, At = _time.GetTimestamp() };
                _budgets[from] = budget;
            }

            var now = _time.GetTimestamp();
            budget.Tokens = Math.Min(rate, budget.Tokens + (rate * (now - budget.At) / (double)_time.TimestampFrequency));
            budget.At = now;
            if (budget.Tokens < 1)
            {
                return false;
            }

            budget.Tokens--;
            return true;
        }
    }

    /// <summary>A certificate for the height being decided: each member's precommit signature (the machine checks the quorum).</summary>
    private Screened ScreenCertificate(Hash32 from, CommitCertificate certificate, WeightedValidatorSet validators, ulong height)
    {
        if (certificate.Height != height || certificate.BlockHash.Length != Hash32.Size || certificate.Signatures.Count > validators.Count)
        {
            return Screened.Pass;
        }

        Span<byte> buffer = stackalloc byte[SignBytes.MaxVoteSignBytes];
        var n = SignBytes.Vote(_options.Protocol.SigningId, VoteType.Precommit, certificate.Height, certificate.Round, certificate.BlockHash.Span, buffer);
        foreach (var signature in certificate.Signatures)
        {
            if (signature.Signature.Length == SignatureSize
                && validators.TryGetIndex(signature.Validator.Span, out _)
                && Check(from, signature.Validator.Span, buffer[..n], signature.Signature.Span) is var screened and not Screened.Pass)
            {
                return screened;
            }
        }

        return Screened.Pass;
    }

    private enum Screened
    {
        Pass,
        BadSignature,
        OverBudget,
    }

    private sealed class CheckBudget
    {
        public double Tokens;
        public long At;
    }

    private bool RecentlyReported(Hash32 peer)
    {
        lock (_reportedAt)
        {
            return _reportedAt.TryGetValue(peer, out var at) && _time.GetElapsedTime(at) < _options.ReportedPeerQuiet;
        }
    }

    /// <summary>Reports a peer to the network, at most once per quiet period (a flood in flight must not become a flood of reports and log lines).</summary>
    private void Report(Hash32 peer, string reason)
    {
        lock (_reportedAt)
        {
            if (_reportedAt.TryGetValue(peer, out var at) && _time.GetElapsedTime(at) < _options.ReportedPeerQuiet)
            {
                return;
            }

            if (_reportedAt.Count >= _options.MaxTrackedPeers)
            {
                _reportedAt.Clear();
            }

            _reportedAt[peer] = _time.GetTimestamp();
        }

        LogPeerReported(_logger, peer.ToShortString(), reason);
        _network.ReportMisbehaviour(peer, reason);
    }
}
