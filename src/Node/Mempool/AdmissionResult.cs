using GovChain.Core.Hashing;

namespace GovChain.Node.Mempool;

/// <summary>Why a transaction was or was not admitted; each refusal maps to one gRPC status.</summary>
public enum AdmissionCode
{
    Admitted = 0,
    AlreadyKnown,
    Malformed,
    TooLarge,
    WrongChain,
    BadSignature,
    NonceTooLow,
    NonceTooHigh,
    NonceTaken,
    SenderFull,
    PoolFull,

    /// <summary>The submitting client address has used its share of signature checks; refused before the check.</summary>
    ClientFull,
}

/// <summary>The answer to one admission: the tx id (when it parsed) and the reason for a refusal.</summary>
public readonly record struct AdmissionResult(AdmissionCode Code, Hash32 TxId, string Reason)
{
    public bool IsAdmitted => Code == AdmissionCode.Admitted;

    /// <summary>True when the pool refused for lack of room: the client should retry later.</summary>
    public bool IsBackPressure => Code is AdmissionCode.PoolFull or AdmissionCode.SenderFull or AdmissionCode.ClientFull;

    /// <summary>
    /// Admitted and executable now (its sender's nonces before it are committed or pending): only
    /// these are gossiped. An admitted transaction that is not executable waits here for its
    /// missing nonce, for a bounded number of heights.
    /// </summary>
    public bool Executable { get; init; }

    /// <summary>With back-pressure: about how long until the pool has room again, in milliseconds.</summary>
    public int RetryAfterMs { get; init; }
}
