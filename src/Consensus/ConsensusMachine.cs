using GovChain.Core.Hashing;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Consensus;

/// <summary>
/// Tendermint-style BFT consensus (propose / prevote / precommit with locking and valid
/// round) as a pure, deterministic state machine: <see cref="Handle"/> takes one event and
/// returns the actions the driver must perform, in order. No I/O, clock, randomness or
/// threads: the same events in the same order always give the same actions. Not thread
/// safe: the driver feeds it from one thread (or under one lock).
/// </summary>
public sealed partial class ConsensusMachine
{
    private readonly ConsensusOptions _options;
    private readonly IConsensusSigner? _signer;
    private readonly Hash32? _myKey;
    private readonly ISignatureVerifier _verifier;
    private readonly List<Evidence> _evidence = [];
    private readonly NextHeightBuffer _nextHeightBuffer;
    private List<ConsensusAction> _out = [];

    // Per-height state, reset by EnterHeight.
    private WeightedValidatorSet _validators;
    private ProposerSchedule _schedule;
    private int _myIndex;
    private Dictionary<uint, RoundState> _rounds = [];
    private Dictionary<Hash32, BlockEntry> _blocks = [];
    private HashSet<(Hash32 Validator, uint Round, int Kind)> _evidenceSeen = [];
    private long[] _peerRounds;
    private ulong[] _peerHeights;
    private Func<bool>?[] _nextHeightClaims;
    private bool _skipCheckPending;
    private Hash32? _lockedValue;
    private int _lockedRound = -1;
    private Hash32? _validValue;
    private int _validRound = -1;
    private Hash32? _decisionHash;
    private uint _decisionRound;
    private CommitCertificate? _decisionCertificate;
    private ulong _behindReported;
    private CommitCertificate? _lastCommit;
    private HashSet<Hash32> _caughtUpSinceRetransmit = [];
    private bool _started;
    private bool _replayingVerified;

    /// <summary>
    /// A machine for <paramref name="height"/> (the next height to decide), certified by
    /// <paramref name="validators"/>. <paramref name="signer"/> is this validator's key (null,
    /// or a key outside the set, for a node that only follows). Call
    /// <see cref="Restore"/> with the WAL (after a restart), then <see cref="Start"/>.
    /// <paramref name="lastCommit"/> is the stored certificate of height - 1, if any: the
    /// machine sends it to validators still voting at that height so they can finish it.
    /// </summary>
    public ConsensusMachine(
        ConsensusOptions options,
        ulong height,
        WeightedValidatorSet validators,
        IConsensusSigner? signer,
        ISignatureVerifier verifier,
        CommitCertificate? lastCommit = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(validators);
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentOutOfRangeException.ThrowIfZero(height);
        options.Validate();
        _options = options;
        _signer = signer;
        _verifier = verifier;
        if (signer is not null)
        {
            if (signer.PublicKey.Length != Hash32.Size)
            {
                throw new ArgumentException("A validator key is 32 bytes.", nameof(signer));
            }

            _myKey = new Hash32(signer.PublicKey);
        }

        Height = height;
        _lastCommit = lastCommit?.Height + 1 == height ? lastCommit : null;
        _validators = validators;
        _schedule = ProposerSchedule.For(validators);
        _myIndex = IndexOfSelf(validators);
        _peerRounds = NewPeerRounds(validators.Count);
        _peerHeights = new ulong[validators.Count];
        _nextHeightClaims = new Func<bool>?[validators.Count];
        _nextHeightBuffer = new NextHeightBuffer(options.MaxBufferedMessages, options.MaxBufferedBytes);
        _nextHeightBuffer.Reset(validators.Count);
    }

    public ulong Height { get; private set; }

    public uint Round { get; private set; }

    public RoundStep Step { get; private set; }

    public string ChainId => _options.ChainId;

    /// <summary>The validator set certifying the current height.</summary>
    public WeightedValidatorSet Validators => _validators;

    /// <summary>True when this node's key is in the current validator set (it signs votes).</summary>
    public bool IsValidator => _myIndex >= 0;

    /// <summary>The round of the block this validator is locked on, or -1.</summary>
    public int LockedRound => _lockedRound;

    public Hash32? LockedBlock => _lockedValue;

    /// <summary>Messages dropped, by reason.</summary>
    public DropCounters Drops { get; } = new();

    /// <summary>Messages for the next height held until this node enters it.</summary>
    public int BufferedMessages => _nextHeightBuffer.Count;

    /// <summary>Encoded bytes of those messages.</summary>
    public long BufferedBytes => _nextHeightBuffer.Bytes;

    /// <summary>Equivocation evidence seen so far (bounded; the oldest is dropped first).</summary>
    public IReadOnlyList<Evidence> Evidence => _evidence;

    /// <summary>Canonical index of the proposer of <paramref name="round"/> at the current height.</summary>
    public int ProposerIndex(uint round) => _schedule.ProposerIndex(Height, round);

    /// <summary>Enters the first round (or, after <see cref="Restore"/>, the round the WAL ended in).</summary>
    public IReadOnlyList<ConsensusAction> Start()
    {
        if (_started)
        {
            throw new InvalidOperationException("The machine is already started.");
        }

        _started = true;
        _out = [];
        StartRound(Round);
        Progress();
        return _out;
    }

    /// <summary>Feeds one event; returns the actions to perform, in order.</summary>
    public IReadOnlyList<ConsensusAction> Handle(ConsensusEvent consensusEvent)
    {
        ArgumentNullException.ThrowIfNull(consensusEvent);
        if (!_started)
        {
            throw new InvalidOperationException("Start the machine before feeding it events.");
        }

        _out = [];
        switch (consensusEvent)
        {
            case MessageReceived m:
                HandleMessage(m.Message);
                break;
            case MessageBytesReceived b:
                HandleBytes(b.Bytes);
                break;
            case TimeoutFired t:
                HandleTimeout(t);
                break;
            case ProposalReady p:
                HandleProposalReady(p);
                break;
            case BlockValidated v:
                HandleBlockValidated(v);
                break;
            case CommitApplied c:
                HandleCommitApplied(c);
                break;
            default:
                throw new ArgumentException($"Unknown consensus event {consensusEvent.GetType().Name}.", nameof(consensusEvent));
        }

        return _out;
    }

    private void HandleCommitApplied(CommitApplied applied)
    {
        ArgumentNullException.ThrowIfNull(applied.NextValidators);
        if (applied.Height < Height)
        {
            return;
        }

        // Our own decision keeps its certificate for laggards; after a jump by block sync the
        // node may pass the certificate of the last block it applied.
        if (!(applied.Height == Height && Step == RoundStep.Commit))
        {
            _lastCommit = applied.Certificate?.Height == applied.Height ? applied.Certificate : null;
        }

        EnterHeight(applied.Height + 1, applied.NextValidators, replayBuffer: applied.Height == Height);
    }

    private void EnterHeight(ulong height, WeightedValidatorSet validators, bool replayBuffer)
    {

        Height = height;
        _validators = validators;
        _schedule = ProposerSchedule.For(validators);
        _myIndex = IndexOfSelf(validators);
        _rounds = [];
        _blocks = [];
        _evidenceSeen = [];
        _peerRounds = NewPeerRounds(validators.Count);
        _peerHeights = new ulong[validators.Count];
        _nextHeightClaims = new Func<bool>?[validators.Count];
        _skipCheckPending = false;
        _lockedValue = null;
        _lockedRound = -1;
        _validValue = null;
        _validRound = -1;
        _decisionHash = null;
        _decisionCertificate = null;
        _caughtUpSinceRetransmit = [];
        StartRound(0);
        Progress();

        var buffered = _nextHeightBuffer.Take();
        _nextHeightBuffer.Reset(validators.Count);
        if (replayBuffer)
        {
            // Their signatures were checked when they were buffered; membership is checked
            // again, now against this height's set.
            _replayingVerified = true;
            try
            {
                foreach (var message in buffered)
                {
                    HandleMessage(message);
                }
            }
            finally
            {
                _replayingVerified = false;
            }
        }
    }

    private void StartRound(uint round)
    {
        Round = round;
        Step = RoundStep.Propose;
        var rs = RoundAt(round);
        Emit(new ScheduleTimeout(Height, round, TimeoutKind.Propose, _options.Timeouts.For(TimeoutKind.Propose, round)));
        Emit(new ScheduleTimeout(Height, round, TimeoutKind.Retransmit, _options.Timeouts.For(TimeoutKind.Retransmit, round)));
        if (_myIndex >= 0 && _schedule.ProposerIndex(Height, round) == _myIndex)
        {
            ProposeOrRequest(rs);
        }
    }

    private RoundState RoundAt(uint round)
    {
        if (!_rounds.TryGetValue(round, out var rs))
        {
            rs = new RoundState(_validators);
            _rounds.Add(round, rs);
        }

        return rs;
    }

    private RoundState? ExistingRound(uint round) => _rounds.GetValueOrDefault(round);

    private int IndexOfSelf(WeightedValidatorSet validators) =>
        _myKey is { } key && validators.TryGetIndex(key, out var index) ? index : -1;

    private static long[] NewPeerRounds(int count)
    {
        var rounds = new long[count];
        Array.Fill(rounds, -1L);
        return rounds;
    }

    private void Emit(ConsensusAction action) => _out.Add(action);

    private void Drop(DropReason reason) => Drops.Add(reason);
}
