using Google.Protobuf;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;
using GovChain.Core.Transactions;
using GovChain.Protocol;

namespace GovChain.Core.Blocks;

/// <summary>The hashes a block header commits to, each in its own domain.</summary>
public static class BlockHashing
{
    public static Hash32 Hash(this BlockHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return Hashes.Tagged(HashDomain.BlockHeader, header.ToByteArray());
    }

    public static Hash32 Hash(this CommitCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Hashes.Tagged(HashDomain.CommitCertificate, certificate.ToByteArray());
    }

    public static Hash32 Hash(this Receipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return Hashes.Tagged(HashDomain.Receipt, receipt.ToByteArray());
    }

    public static Hash32 Hash(this Evidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        return Hashes.Tagged(HashDomain.Evidence, evidence.ToByteArray());
    }

    public static Hash32 TxRoot(IEnumerable<SignedTransaction> transactions) =>
        MerkleTree.RootOfHashes(transactions.Select(t => t.Id()).ToArray());

    public static Hash32 ReceiptsRoot(IEnumerable<Receipt> receipts) =>
        MerkleTree.RootOfHashes(receipts.Select(r => r.Hash()).ToArray());

    public static Hash32 EvidenceRoot(IEnumerable<Evidence> evidence) =>
        MerkleTree.RootOfHashes(evidence.Select(e => e.Hash()).ToArray());

    /// <summary>
    /// Checks that a block's body matches its header: tx count, tx root, evidence hash and
    /// the hash of the carried parent certificate. Returns null when consistent, else the reason.
    /// </summary>
    public static string? CheckBodyAgainstHeader(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var header = block.Header;
        if (header is null)
        {
            return "block has no header";
        }

        if (header.TxCount != (uint)block.Transactions.Count)
        {
            return $"header says {header.TxCount} transactions, body has {block.Transactions.Count}";
        }

        if (!TxRoot(block.Transactions).Equals(header.TxRoot.Span))
        {
            return "transactions do not match the header's tx root";
        }

        if (!EvidenceRoot(block.Evidence).Equals(header.EvidenceHash.Span))
        {
            return "evidence does not match the header's evidence hash";
        }

        if (header.Height > 1)
        {
            if (block.LastCommit is null || !block.LastCommit.Hash().Equals(header.LastCommitHash.Span))
            {
                return "parent certificate does not match the header's last-commit hash";
            }
        }
        else if (block.LastCommit is not null || !header.LastCommitHash.IsEmpty)
        {
            return "the first block carries no parent certificate";
        }

        return null;
    }
}
