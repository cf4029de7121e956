using System.Security.Cryptography;
using Google.Protobuf;
using GovChain.Consensus;
using GovChain.Core.Blocks;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Consensus.Tests;

/// <summary>
/// Real Ed25519 validators for hand-driven tests, indexed in canonical order (Keys[i] is
/// validator i of the set), so a test can say "validator 2 prevotes" and sign with Core's
/// own Votes helpers — which also proves the machine's messages and Core's agree.
/// </summary>
internal sealed class TestValidators : IDisposable
{
    public const string ChainId = "test-chain";

    public TestValidators(int count, ulong[]? powers = null, int keyOffset = 0)
    {
        Keys = Enumerable.Range(keyOffset, count)
            .Select(i => KeyPair.FromSeed(SHA256.HashData(BitConverter.GetBytes(i))))
            .OrderBy(k => new Hash32(k.PublicKey))
            .ToArray();
        Set = new WeightedValidatorSet(Keys.Select((k, i) => new Validator
        {
            DepartmentId = $"dept-{i}",
            PublicKey = ByteString.CopyFrom(k.PublicKey),
            VotingPower = powers?[i] ?? 1,
        }));
    }

    public KeyPair[] Keys { get; }

    public WeightedValidatorSet Set { get; }

    public static ConsensusOptions Options { get; } = new(ChainId)
    {
        Timeouts = new TimeoutOptions { ProposeMs = 1000, PrevoteMs = 500, PrecommitMs = 500, DeltaMs = 250, RetransmitMs = 700 },
    };

    public ConsensusMachine Machine(int index, ulong height = 1, WeightedValidatorSet? set = null, CommitCertificate? lastCommit = null) =>
        new(Options, height, set ?? Set, new Ed25519ConsensusSigner(Keys[index]), Ed25519SignatureVerifier.Instance, lastCommit);

    public Vote Vote(int index, VoteType type, ulong height, uint round, Hash32? blockHash) =>
        Votes.Sign(ChainId, type, height, round, blockHash, Keys[index]);

    public ConsensusMessage VoteMessage(int index, VoteType type, ulong height, uint round, Hash32? blockHash) =>
        new() { Vote = Vote(index, type, height, round, blockHash) };

    public ConsensusMessage ProposalMessage(int index, Block block, uint round = 0, int polRound = -1) =>
        new() { Proposal = Votes.SignProposal(ChainId, block.Header.Height, round, polRound, block, Keys[index]) };

    /// <summary>What equivocation evidence carries of validator <paramref name="index"/>'s signed proposal of <paramref name="block"/>.</summary>
    public SignedProposalDigest Digest(int index, Block block, uint round = 0, int polRound = -1) =>
        ProposalDigests.Of(ProposalMessage(index, block, round, polRound).Proposal, block.Header.Hash());

    /// <summary>A well-formed block at <paramref name="height"/> proposed by validator <paramref name="proposer"/>; <paramref name="salt"/> makes different blocks.</summary>
    public Block Block(ulong height, int proposer, long salt = 0) => WithBody(new()
    {
        Header = new BlockHeader
        {
            ChainId = ChainId,
            Height = height,
            TimeUnixMs = 1_000 + salt,
            Proposer = ByteString.CopyFrom(Keys[proposer].PublicKey),
            ValidatorSetHash = ByteString.CopyFrom(Set.Hash.ToArray()),
        },
    });

    /// <summary>
    /// Sets the header's body commitments (tx count and root, evidence hash, parent certificate
    /// hash) to match the block's body, giving a block above height 1 a stand-in parent certificate.
    /// </summary>
    public static Block WithBody(Block block)
    {
        var header = block.Header;
        header.TxCount = (uint)block.Transactions.Count;
        header.TxRoot = ByteString.CopyFrom(BlockHashing.TxRoot(block.Transactions).ToArray());
        header.EvidenceHash = ByteString.CopyFrom(BlockHashing.EvidenceRoot(block.Evidence).ToArray());
        if (header.Height > 1)
        {
            block.LastCommit ??= new CommitCertificate { Height = header.Height - 1 };
            header.LastCommitHash = ByteString.CopyFrom(block.LastCommit.Hash().ToArray());
        }

        return block;
    }

    public void Dispose()
    {
        foreach (var key in Keys)
        {
            key.Dispose();
        }
    }
}

/// <summary>Helpers to look into an action batch.</summary>
internal static class Actions
{
    public static T Single<T>(this IReadOnlyList<ConsensusAction> actions)
        where T : ConsensusAction => Assert.Single(actions.OfType<T>());

    public static List<Vote> BroadcastVotes(this IReadOnlyList<ConsensusAction> actions, VoteType type) =>
        actions.OfType<Broadcast>().Select(b => b.Message.Vote).Where(v => v is not null && v.Type == type).ToList();

    /// <summary>Feeds a message and returns the machine's actions.</summary>
    public static IReadOnlyList<ConsensusAction> Receive(this ConsensusMachine machine, ConsensusMessage message) =>
        machine.Handle(new MessageReceived(message));
}
