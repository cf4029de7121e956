namespace GovChain.Contracts.Engine;

/// <summary>
/// The outcome code of a transaction or query, carried in <c>Receipt.code</c>. Values are
/// part of the public contract: never renumber, only append.
/// </summary>
public enum ResultCode : uint
{
    Ok = 0,

    /// <summary>The transaction names another chain.</summary>
    WrongChain = 1,

    /// <summary>The nonce is not the sender's next one (a replay or a gap).</summary>
    BadNonce = 2,

    UnknownContract = 3,
    UnknownMethod = 4,

    /// <summary>The arguments are not a valid encoding of the method's argument message.</summary>
    MalformedArgs = 5,

    /// <summary>The arguments parse but break a rule (a length, a range, a format).</summary>
    InvalidArgument = 6,

    /// <summary>The signer lacks the role or ownership the method requires.</summary>
    Unauthorized = 7,

    NotFound = 8,
    AlreadyExists = 9,

    /// <summary>The record is not in a state that allows the call (a lien, a pending offer, a closed tender).</summary>
    InvalidState = 10,

    /// <summary>A deadline height has passed.</summary>
    TooLate = 11,

    /// <summary>A phase has not begun yet.</summary>
    TooEarly = 12,

    /// <summary>A revealed bid does not match its commitment.</summary>
    CommitmentMismatch = 13,

    /// <summary>A bound on a list or a count would be exceeded.</summary>
    LimitExceeded = 14,

    /// <summary>The call ran out of its step budget.</summary>
    OutOfSteps = 15,

    /// <summary>An amount computation overflowed 64 bits.</summary>
    ArithmeticOverflow = 16,
}
