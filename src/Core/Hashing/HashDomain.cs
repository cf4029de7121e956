namespace GovChain.Core.Hashing;

/// <summary>
/// The one-byte prefixes that separate what a hash commits to, so that a hash of one kind
/// can never be presented as a hash of another. 0x00 and 0x01 are RFC 6962's leaf and inner
/// node prefixes. Every prefix is also an invalid first byte of a protobuf message (field
/// number 0), so a tagged preimage never parses as a wire message either.
/// </summary>
public enum HashDomain : byte
{
    MerkleLeaf = 0x00,
    MerkleNode = 0x01,
    TransactionId = 0x02,
    BlockHeader = 0x03,
    Vote = 0x04,
    Proposal = 0x05,
    ValidatorSet = 0x06,
    CommitCertificate = 0x07,
    Receipt = 0x08,
    Evidence = 0x09,
    StateLeaf = 0x0A,
    StateNode = 0x0B,
    StateKey = 0x0C,
    Handshake = 0x0D,
    Genesis = 0x0E,
}
