using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Node.Network;

/// <summary>A block fetched during sync and the validator key of the peer that served it (to report when it does not verify).</summary>
public readonly record struct FetchedBlock(Hash32 Source, CertifiedBlock Block);
