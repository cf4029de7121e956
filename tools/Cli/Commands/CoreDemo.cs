using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Merkle;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using Spectre.Console;

namespace GovChain.Cli.Commands;

/// <summary>
/// Walks through what the core types already guarantee: department keys, a validated genesis,
/// signed registry transactions, a block certified by more than 2/3 of the departments, and an
/// offline proof that a transaction is in that block.
/// </summary>
internal static class CoreDemo
{
    private static readonly string[] Departments = ["land-registry", "finance", "education", "justice"];

    public static int Run()
    {
        Ed25519.EnsureAvailable();
        AnsiConsole.MarkupLine("[bold]GovChain[/] — core walkthrough (the live network arrives with the node)");

        var keys = Departments.Select(_ => KeyPair.Generate()).ToArray();
        try
        {
            var genesis = BuildGenesis(keys);
            Step($"Genesis for chain [blue]{genesis.ChainId}[/]: {genesis.Validators.Count} departments, quorum {genesis.Validators.QuorumPower} of {genesis.Validators.TotalPower} voting power");

            using var registrar = KeyPair.Generate();
            var txs = Enumerable.Range(1, 5)
                .Select(n => TransactionCodec.Create(genesis.ChainId, registrar, (ulong)n, "land", "register", new EventAttribute { Key = "parcel", Value = $"LR-{n:D4}" }))
                .ToList();
            var verified = txs.Count(t => TransactionVerifier.TryVerify(t, genesis.ChainId, 64 * 1024, out _, out _, out _));
            Step($"Registrar signed {txs.Count} parcel registrations; {verified} verify");

            var block = BuildBlock(genesis, txs, keys[0]);
            var blockHash = block.Header.Hash();
            Step($"Block 1 proposed by {Departments[0]}: hash {blockHash.ToShortString()}, tx root {Hex(block.Header.TxRoot)}");

            var precommits = keys.Take(3).Select(k => Votes.Sign(genesis.ChainId, VoteType.Precommit, 1, 0, blockHash, k));
            var certificate = CommitCertificates.FromPrecommits(1, 0, blockHash, precommits);
            var check = CommitCertificates.Verify(certificate, genesis.Validators, genesis.ChainId, 1, blockHash);
            Step($"Certificate: {certificate.Signatures.Count} precommits, {check.SignedPower} voting power — {(check.IsValid ? "[green]valid[/]" : "[red]invalid[/]")}");

            var ids = txs.Select(t => t.Id()).ToArray();
            var proof = MerkleTree.ProveHash(ids, 3);
            var root = new GovChain.Core.Hashing.Hash32(block.Header.TxRoot.Span);
            var proven = proof.VerifyHashLeaf(ids[3], root);
            var forged = proof.VerifyHashLeaf(TransactionCodec.Create(genesis.ChainId, registrar, 9, "land", "register", null).Id(), root);
            Step($"Offline proof that registration #4 is in block 1: {(proven ? "[green]proven[/]" : "[red]not proven[/]")}; a forged tx with the same proof: {(forged ? "[red]accepted[/]" : "[green]rejected[/]")}");
            return check.IsValid && proven && !forged ? 0 : 1;
        }
        finally
        {
            foreach (var k in keys)
            {
                k.Dispose();
            }
        }
    }

    private static GenesisDocument BuildGenesis(KeyPair[] keys)
    {
        var g = new Genesis { ChainId = "govchain-demo", GenesisTimeUnixMs = 1_767_225_600_000 };
        for (var i = 0; i < keys.Length; i++)
        {
            g.Departments.Add(new Department
            {
                Id = Departments[i],
                Name = Departments[i],
                ValidatorKey = ByteString.CopyFrom(keys[i].PublicKey),
                VotingPower = 1,
                Endpoint = $"127.0.0.1:{7100 + i}",
            });
        }

        return GenesisDocument.FromProto(g, "demo genesis");
    }

    private static Block BuildBlock(GenesisDocument genesis, List<SignedTransaction> txs, KeyPair proposer)
    {
        var block = new Block
        {
            Header = new BlockHeader
            {
                ChainId = genesis.ChainId,
                Height = 1,
                TimeUnixMs = genesis.Proto.GenesisTimeUnixMs + 1000,
                TxRoot = ByteString.CopyFrom(BlockHashing.TxRoot(txs).ToArray()),
                EvidenceHash = ByteString.CopyFrom(BlockHashing.EvidenceRoot([]).ToArray()),
                ValidatorSetHash = ByteString.CopyFrom(genesis.Validators.Hash.ToArray()),
                NextValidatorSetHash = ByteString.CopyFrom(genesis.Validators.Hash.ToArray()),
                Proposer = ByteString.CopyFrom(proposer.PublicKey),
                TxCount = (uint)txs.Count,
            },
        };
        block.Transactions.AddRange(txs);
        return block;
    }

    private static void Step(string text) => AnsiConsole.MarkupLine($"  • {text}");

    private static string Hex(ByteString bytes) => GovChain.Core.Hashing.Hex.Encode(bytes.Span)[..8];
}
