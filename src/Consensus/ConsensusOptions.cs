using System.Text;
using GovChain.Core.Blocks;
using GovChain.Core.Transactions;
using GovChain.Protocol;

namespace GovChain.Consensus;

/// <summary>
/// Per-round timeouts. Each step's timeout grows by <see cref="DeltaMs"/> per round, so a
/// network slower than the base timeouts still gets rounds long enough to decide.
/// </summary>
public sealed record TimeoutOptions
{
    public int ProposeMs { get; init; } = 3000;

    public int PrevoteMs { get; init; } = 1000;

    public int PrecommitMs { get; init; } = 1000;

    /// <summary>Added to every step's timeout for each round after round 0.</summary>
    public int DeltaMs { get; init; } = 500;

    /// <summary>Ceiling of any step timeout, however many rounds have passed.</summary>
    public int MaxTimeoutMs { get; init; } = 60_000;

    /// <summary>
    /// How often a validator re-sends what it signed in its current round. Messages can be
    /// lost; without re-sending, a round whose votes were lost would never end.
    /// </summary>
    public int RetransmitMs { get; init; } = 1000;

    /// <summary>The timeouts a genesis document's consensus parameters set (zero keeps the default).</summary>
    public static TimeoutOptions FromParams(ConsensusParams parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var defaults = new TimeoutOptions();
        return new TimeoutOptions
        {
            ProposeMs = parameters.TimeoutProposeMs > 0 ? checked((int)parameters.TimeoutProposeMs) : defaults.ProposeMs,
            PrevoteMs = parameters.TimeoutPrevoteMs > 0 ? checked((int)parameters.TimeoutPrevoteMs) : defaults.PrevoteMs,
            PrecommitMs = parameters.TimeoutPrecommitMs > 0 ? checked((int)parameters.TimeoutPrecommitMs) : defaults.PrecommitMs,
            DeltaMs = parameters.TimeoutDeltaMs > 0 ? checked((int)parameters.TimeoutDeltaMs) : defaults.DeltaMs,
        };
    }

    internal TimeSpan For(TimeoutKind kind, uint round)
    {
        long baseMs = kind switch
        {
            TimeoutKind.Propose => ProposeMs,
            TimeoutKind.Prevote => PrevoteMs,
            TimeoutKind.Precommit => PrecommitMs,
            _ => RetransmitMs,
        };
        var ms = kind == TimeoutKind.Retransmit ? baseMs : baseMs + ((long)DeltaMs * round);
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxTimeoutMs));
    }

    internal void Validate()
    {
        if (ProposeMs <= 0 || PrevoteMs <= 0 || PrecommitMs <= 0 || RetransmitMs <= 0 || DeltaMs < 0 || MaxTimeoutMs <= 0)
        {
            throw new ArgumentException("Consensus timeouts must be positive (the per-round delta may be zero).");
        }
    }
}

/// <summary>Everything a consensus state machine is configured with, apart from its height, validator set and key.</summary>
public sealed record ConsensusOptions
{
    public ConsensusOptions(string chainId)
    {
        ArgumentException.ThrowIfNullOrEmpty(chainId);
        if (Encoding.UTF8.GetByteCount(chainId) > TransactionVerifier.MaxChainIdBytes)
        {
            throw new ArgumentException($"A chain id is at most {TransactionVerifier.MaxChainIdBytes} UTF-8 bytes.", nameof(chainId));
        }

        ChainId = chainId;
    }

    public string ChainId { get; }

    /// <summary>
    /// What votes and proposals sign (GenesisDocument.SigningChainId: the chain id bound to its
    /// genesis hash); blocks' headers still carry <see cref="ChainId"/>. Defaults to the chain id.
    /// </summary>
    public string SigningId
    {
        get => _signingId ?? ChainId;
        init
        {
            ArgumentException.ThrowIfNullOrEmpty(value);
            if (Encoding.UTF8.GetByteCount(value) > SignBytes.MaxSigningIdBytes)
            {
                throw new ArgumentException($"A signing id is at most {SignBytes.MaxSigningIdBytes} UTF-8 bytes.", nameof(value));
            }

            _signingId = value;
        }
    }

    private readonly string? _signingId;

    public TimeoutOptions Timeouts { get; init; } = new();

    /// <summary>Votes and proposals more rounds ahead than this are not stored (they still count towards a round skip).</summary>
    public uint MaxRoundsAhead { get; init; } = 10;

    /// <summary>Bound of the buffer of messages for the next height, received while this height is not yet applied.</summary>
    public int MaxBufferedMessages { get; init; } = 1024;

    /// <summary>
    /// Bound of the bytes of that buffer (encoded messages). Each validator of the current set
    /// may fill an equal share of this and of <see cref="MaxBufferedMessages"/>.
    /// </summary>
    public long MaxBufferedBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Proposals whose block encodes to more bytes than this are dropped before their signature
    /// is checked: no node would accept such a block. The node sets it to its chain's block bound.
    /// </summary>
    public long MaxBlockBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Bound of the evidence kept for the node to put in blocks; the oldest is dropped first.</summary>
    public int MaxEvidence { get; init; } = 256;

    /// <summary>Encoded consensus messages larger than this are dropped unparsed.</summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;

    internal void Validate()
    {
        Timeouts.Validate();
        if (MaxBufferedMessages < 0 || MaxBufferedBytes < 0 || MaxBlockBytes < 1 || MaxEvidence < 1 || MaxMessageBytes < 1)
        {
            throw new ArgumentException("Consensus bounds must be positive.");
        }
    }
}
