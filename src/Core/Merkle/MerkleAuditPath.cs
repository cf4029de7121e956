using GovChain.Core.Hashing;
using GovChain.Protocol;
using Google.Protobuf;

namespace GovChain.Core.Merkle;

/// <summary>An RFC 6962 inclusion proof: the leaf's index, the tree size and the audit path.</summary>
public sealed class MerkleAuditPath
{
    public MerkleAuditPath(long leafIndex, long treeSize, IReadOnlyList<Hash32> path)
    {
        LeafIndex = leafIndex;
        TreeSize = treeSize;
        Path = path;
    }

    public long LeafIndex { get; }

    public long TreeSize { get; }

    public IReadOnlyList<Hash32> Path { get; }

    /// <summary>
    /// Recomputes the root from the leaf hash and the path (RFC 9162, 2.1.3.2) and compares it
    /// with <paramref name="root"/>. A path of the wrong length for the index and size fails.
    /// </summary>
    public bool Verify(in Hash32 leafHash, in Hash32 root)
    {
        if (LeafIndex < 0 || LeafIndex >= TreeSize)
        {
            return false;
        }

        var fn = LeafIndex;
        var sn = TreeSize - 1;
        var r = leafHash;
        foreach (var p in Path)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleTree.NodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = MerkleTree.NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r == root;
    }

    /// <summary>Verifies that a 32-byte leaf datum (a tx id) is in the tree with <paramref name="root"/>.</summary>
    public bool VerifyHashLeaf(in Hash32 leaf, in Hash32 root)
    {
        Span<byte> data = stackalloc byte[Hash32.Size];
        leaf.CopyTo(data);
        return Verify(MerkleTree.LeafHash(data), root);
    }

    public MerkleProof ToProto()
    {
        var proto = new MerkleProof { LeafIndex = (ulong)LeafIndex, TreeSize = (ulong)TreeSize };
        foreach (var h in Path)
        {
            proto.Path.Add(ByteString.CopyFrom(h.ToArray()));
        }

        return proto;
    }

    /// <summary>Reads a proof from the wire; throws <see cref="FormatException"/> on malformed input.</summary>
    public static MerkleAuditPath FromProto(MerkleProof proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        if (proto.TreeSize > int.MaxValue || proto.LeafIndex >= proto.TreeSize || proto.Path.Count > 64)
        {
            throw new FormatException("The Merkle proof's index, size or path length is out of range.");
        }

        var path = new Hash32[proto.Path.Count];
        for (var i = 0; i < path.Length; i++)
        {
            if (!Hash32.TryFrom(proto.Path[i].Span, out path[i]))
            {
                throw new FormatException($"Merkle proof node {i} is not 32 bytes.");
            }
        }

        return new MerkleAuditPath((long)proto.LeafIndex, (long)proto.TreeSize, path);
    }
}
