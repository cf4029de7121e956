using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Core.Merkle;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using GovChain.Protocol.Land;

namespace GovChain.Integration.Tests.Interop;

/// <summary>
/// The JavaScript client's own encoding, hashes and proof checks (js/proto-codec.js,
/// js/chain-crypto.js) against what the C# core produces for the same inputs — no network:
/// every leaf of Merkle trees of 1 to 17 leaves, tampered paths, precommit sign bytes,
/// transaction ids and signatures, and byte-identical re-encoding of Google.Protobuf output.
/// </summary>
public sealed class JsVectorsTests : IDisposable
{
    private const int MaxTreeSize = 17;
    private readonly string _folder = Directory.CreateTempSubdirectory("govchain-js-vectors-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task JsChecks_AgreeWithTheCore_OnMerklePathsSignBytesTransactionsAndEncoding()
    {
        using var key = KeyPair.Generate();
        var merkle = MerkleCases();
        var signBytes = new[]
        {
            ("govchain-vectors", 1UL, 0U, RandomBytes(32)),
            ("govchain-ñandú", (1UL << 40) + 3, 7U, RandomBytes(32)),
            ("g", ulong.MaxValue, uint.MaxValue, Array.Empty<byte>()),
        };
        var transactions = new[]
        {
            TransactionCodec.Create("govchain-vectors", key, 1, "land", "register_parcel", new RegisterParcelArgs { ParcelId = "P-1", Owner = ByteString.CopyFrom(key.PublicKey), AreaM2 = 500 }),
            TransactionCodec.Sign(
                new TransactionBody
                {
                    ChainId = "govchain-ñandú",
                    Sender = ByteString.CopyFrom(key.PublicKey),
                    Nonce = ulong.MaxValue - 1,
                    Contract = "land",
                    Method = "offer_transfer",
                    Args = new OfferTransferArgs { ParcelId = "P-2", Buyer = ByteString.CopyFrom(RandomBytes(32)), Price = 1UL << 50 }.ToByteString(),
                    MaxSteps = 300,
                    Memo = "dossier nº 7 — ✓",
                },
                key),
        };
        var messages = SampleMessages();

        var vectors = new
        {
            merkle = merkle.Select(c => new { leaf = Hex.Encode(c.Leaf), index = c.Index, size = c.Size, path = c.Path.Select(p => p.ToString()), root = c.Root.ToString() }),
            signBytes = signBytes.Select(v => new
            {
                chainId = v.Item1,
                height = v.Item2.ToString(CultureInfo.InvariantCulture),
                round = v.Item3,
                blockHash = Hex.Encode(v.Item4),
                expected = Hex.Encode(SignBytes.Vote(v.Item1, new Vote { Type = VoteType.Precommit, Height = v.Item2, Round = v.Item3, BlockHash = ByteString.CopyFrom(v.Item4) })),
            }),
            transactions = transactions.Select(t => new { body = Hex.Encode(t.Body.Span), signature = Hex.Encode(t.Signature.Span) }),
            messages = messages.Select(m => new { type = "govchain.v1." + m.Descriptor.Name, bytes = Hex.Encode(m.ToByteArray()) }),
            // A TransactionBody whose chain_id claims 5 bytes and carries 1.
            malformed = "0a0501",
        };
        var file = Path.Combine(_folder, "vectors.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(vectors));

        var output = await NodeJsScript.RunAsync("vectors.js", new Dictionary<string, string> { ["GOVCHAIN_PROTO_ROOT"] = NodeJsScript.ProtoRoot }, TimeSpan.FromSeconds(60), file);
        var js = JsonDocument.Parse(output).RootElement;

        var m = js.GetProperty("merkle");
        Assert.Equal(merkle.Count, m.GetProperty("cases").GetInt32());
        Assert.Equal(merkle.Count, m.GetProperty("verified").GetInt32());
        Assert.True(m.GetProperty("tamperedTried").GetInt32() > 2 * merkle.Count);
        Assert.Equal(0, m.GetProperty("tamperedAccepted").GetInt32());

        Assert.Equal(signBytes.Length, js.GetProperty("signBytes").GetArrayLength());
        Assert.All(js.GetProperty("signBytes").EnumerateArray(), same => Assert.True(same.GetBoolean()));

        var jsTransactions = js.GetProperty("transactions").EnumerateArray().ToList();
        Assert.Equal(transactions.Length, jsTransactions.Count);
        for (var i = 0; i < transactions.Length; i++)
        {
            var body = TransactionBody.Parser.ParseFrom(transactions[i].Body);
            var t = jsTransactions[i];
            Assert.Equal(transactions[i].Id().ToString(), t.GetProperty("txId").GetString());
            Assert.True(t.GetProperty("signatureVerifies").GetBoolean());
            Assert.True(t.GetProperty("wrongSignatureRefused").GetBoolean());
            Assert.Equal(body.ChainId, t.GetProperty("chainId").GetString());
            Assert.Equal(body.Nonce.ToString(CultureInfo.InvariantCulture), t.GetProperty("nonce").GetString());
            Assert.Equal(body.MaxSteps.ToString(CultureInfo.InvariantCulture), t.GetProperty("maxSteps").GetString());
            Assert.Equal(body.Memo, t.GetProperty("memo").GetString());
            Assert.True(t.GetProperty("reencodedIdentically").GetBoolean());
        }

        Assert.Equal(messages.Length, js.GetProperty("messages").GetArrayLength());
        Assert.All(js.GetProperty("messages").EnumerateArray(), same => Assert.True(same.GetBoolean()));
        Assert.True(js.GetProperty("malformedRefused").GetBoolean());
    }

    private static List<(byte[] Leaf, int Index, int Size, IReadOnlyList<Hash32> Path, Hash32 Root)> MerkleCases()
    {
        var cases = new List<(byte[], int, int, IReadOnlyList<Hash32>, Hash32)>();
        for (var size = 1; size <= MaxTreeSize; size++)
        {
            var leaves = Enumerable.Range(0, size).Select(_ => new Hash32(RandomBytes(32))).ToArray();
            var root = MerkleTree.RootOfHashes(leaves);
            for (var i = 0; i < size; i++)
            {
                var path = MerkleTree.ProveHash(leaves, i);
                Assert.True(path.VerifyHashLeaf(leaves[i], root));
                cases.Add((leaves[i].ToArray(), i, size, path.Path, root));
            }
        }

        return cases;
    }

    // Messages with every kind of field the client decodes: nested, repeated, 64-bit, negative int64, UTF-8.
    private static IMessage[] SampleMessages() =>
    [
        new BlockHeader
        {
            ChainId = "govchain-vectors", Height = (1UL << 33) + 5, TimeUnixMs = -5, PreviousHash = ByteString.CopyFrom(RandomBytes(32)),
            TxRoot = ByteString.CopyFrom(RandomBytes(32)), StateRoot = ByteString.CopyFrom(RandomBytes(32)), ValidatorSetHash = ByteString.CopyFrom(RandomBytes(32)),
            NextValidatorSetHash = ByteString.CopyFrom(RandomBytes(32)), Proposer = ByteString.CopyFrom(RandomBytes(32)), LastCommitHash = ByteString.CopyFrom(RandomBytes(32)),
            ReceiptsRoot = ByteString.CopyFrom(RandomBytes(32)), EvidenceHash = ByteString.CopyFrom(RandomBytes(32)), TxCount = uint.MaxValue,
        },
        new CommitCertificate
        {
            Height = 12, Round = 3, BlockHash = ByteString.CopyFrom(RandomBytes(32)),
            Signatures = { new CommitSignature { Validator = ByteString.CopyFrom(RandomBytes(32)), Signature = ByteString.CopyFrom(RandomBytes(64)) }, new CommitSignature { Validator = ByteString.CopyFrom(RandomBytes(32)) } },
        },
        new Receipt
        {
            TxId = ByteString.CopyFrom(RandomBytes(32)), Height = 9, Index = 2, Code = 10, Message = "parcel has 1 active lien(s) — release first", StepsUsed = 123_456,
            Events = { new Event { Contract = "land", Name = "transferred", Attributes = { new EventAttribute { Key = "parcel", Value = "LR-1" }, new EventAttribute { Key = "to", Value = "ab" } } } },
        },
        new Parcel
        {
            Id = "LR-2026-0001", Owner = ByteString.CopyFrom(RandomBytes(32)), AreaM2 = 640, Location = "Plot 1, Riverside", RegisteredHeight = 2, HistoryLength = 6,
            Offer = new TransferOffer { Buyer = ByteString.CopyFrom(RandomBytes(32)), Price = 185_000, OfferedHeight = 5, Accepted = true, AcceptedHeight = 6 },
            Liens = { new Lien { Id = "MORTGAGE-77", Holder = ByteString.CopyFrom(RandomBytes(32)), DepartmentId = "finance", Amount = 120_000, RegisteredHeight = 8 } },
        },
        new ParcelHistoryEntry { Sequence = 3, Height = 11, Kind = ParcelHistoryKind.Transferred, Detail = "185000", TimeUnixMs = 1_790_000_000_000 },
    ];

    private static byte[] RandomBytes(int n) => RandomNumberGenerator.GetBytes(n);
}
