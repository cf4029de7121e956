using FsCheck;
using FsCheck.Fluent;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;

namespace GovChain.Core.Tests.Merkle;

public class MerkleTreeTests
{
    // The Certificate Transparency reference inputs (RFC 6962 test data) and the published tree
    // heads for sizes 0 to 8.
    private static readonly byte[][] ReferenceLeaves =
    [
        Hex.Decode(""), Hex.Decode("00"), Hex.Decode("10"), Hex.Decode("2021"), Hex.Decode("3031"),
        Hex.Decode("40414243"), Hex.Decode("5051525354555657"), Hex.Decode("606162636465666768696a6b6c6d6e6f"),
    ];

    private static readonly string[] ReferenceRoots =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    public static TheoryData<int, int, string[]> ReferenceInclusionProofs => new()
    {
        { 0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
        { 1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
    };

    [Fact]
    public void RootOfData_ReferenceLeaves_MatchesPublishedTreeHeadForEverySize()
    {
        for (var size = 0; size <= ReferenceLeaves.Length; size++)
        {
            var root = MerkleTree.RootOfData(ReferenceLeaves[..size]);
            Assert.Equal(ReferenceRoots[size], root.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(ReferenceInclusionProofs))]
    public void Prove_ReferenceTree_MatchesPublishedAuditPathAndVerifies(int index, int size, string[] expectedPath)
    {
        var leafHashes = ReferenceLeaves[..size].Select(d => MerkleTree.LeafHash(d)).ToArray();
        var root = Hash32.FromHex(ReferenceRoots[size]);

        var proof = MerkleTree.Prove(leafHashes, index);

        Assert.Equal(expectedPath, proof.Path.Select(h => h.ToString()).ToArray());
        Assert.True(proof.Verify(leafHashes[index], root));
        Assert.False(proof.Verify(leafHashes[index], Hash32.FromHex(ReferenceRoots[0])));
    }

    [Fact]
    public void Verify_ProofForOneLeafUsedForAnother_IsRejected()
    {
        var leafHashes = ReferenceLeaves.Select(d => MerkleTree.LeafHash(d)).ToArray();
        var root = MerkleTree.RootOfLeafHashes(leafHashes);
        var proof = MerkleTree.Prove(leafHashes, 3);

        Assert.False(proof.Verify(leafHashes[4], root));
        Assert.False(new MerkleAuditPath(4, 8, proof.Path).Verify(leafHashes[3], root));
        Assert.False(new MerkleAuditPath(3, 9, proof.Path).Verify(leafHashes[3], root));
        Assert.False(new MerkleAuditPath(3, 8, proof.Path.Take(2).ToArray()).Verify(leafHashes[3], root));
        Assert.False(new MerkleAuditPath(3, 8, [.. proof.Path, proof.Path[0]]).Verify(leafHashes[3], root));
    }

    [Fact]
    public void LeafAndNodeHashes_AreDomainSeparated()
    {
        var a = MerkleTree.LeafHash([1]);
        var b = MerkleTree.LeafHash([2]);
        Span<byte> concatenated = stackalloc byte[64];
        a.CopyTo(concatenated);
        b.CopyTo(concatenated[32..]);

        // A two-leaf tree's root must differ from a single leaf whose data is the two child hashes.
        Assert.NotEqual(MerkleTree.NodeHash(a, b), MerkleTree.LeafHash(concatenated));
    }

    [Fact]
    public void Property_EveryLeafOfEveryTree_HasAVerifyingProofAndTamperingFails()
    {
        Prop.ForAll(
            Arb.From(Gen.Choose(1, 70)),
            Arb.From(Gen.Choose(0, 1_000_000)),
            (size, salt) =>
            {
                var leaves = Enumerable.Range(0, size)
                    .Select(i => MerkleTree.LeafHash(BitConverter.GetBytes((long)salt * 1000 + i)))
                    .ToArray();
                var root = MerkleTree.RootOfLeafHashes(leaves);
                for (var i = 0; i < size; i++)
                {
                    var proof = MerkleTree.Prove(leaves, i);
                    var roundTripped = MerkleAuditPath.FromProto(proof.ToProto());
                    if (!roundTripped.Verify(leaves[i], root))
                    {
                        return false;
                    }

                    var other = MerkleTree.LeafHash(BitConverter.GetBytes(-1L - i));
                    if (proof.Verify(other, root))
                    {
                        return false;
                    }
                }

                return true;
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void RootOfHashes_EqualsRootOfLeafHashesOverTheirBytes()
    {
        var ids = Enumerable.Range(0, 13).Select(i => Hashes.Tagged(HashDomain.TransactionId, [(byte)i])).ToArray();

        var viaHashes = MerkleTree.RootOfHashes(ids);
        var viaData = MerkleTree.RootOfData(ids.Select(h => h.ToArray()).ToArray());

        Assert.Equal(viaData, viaHashes);
        Assert.True(MerkleTree.ProveHash(ids, 7).VerifyHashLeaf(ids[7], viaHashes));
    }

    [Fact]
    public void FromProto_MalformedProof_ThrowsFormatException()
    {
        var proto = MerkleTree.Prove([MerkleTree.LeafHash([1]), MerkleTree.LeafHash([2])], 0).ToProto();
        proto.Path[0] = Google.Protobuf.ByteString.CopyFrom(new byte[31]);
        Assert.Throws<FormatException>(() => MerkleAuditPath.FromProto(proto));

        proto.LeafIndex = 5;
        Assert.Throws<FormatException>(() => MerkleAuditPath.FromProto(proto));
    }
}
