using Google.Protobuf;
using GovChain.Core.Blocks;
using GovChain.Core.Hashing;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Consensus.Tests;

/// <summary>Moving between heights: applied commits, validator-set changes, laggards, block sync.</summary>
public sealed class HeightTransitionTests
{
    [Fact]
    public void CommitApplied_NewValidatorSet_UsedFromTheNextHeight()
    {
        using var vals = new TestValidators(4);
        using var newcomer = new TestValidators(1, keyOffset: 50);
        var machine = vals.Machine(0);
        machine.Start();
        var grown = new WeightedValidatorSet(vals.Set.Validators.Skip(1).Concat(newcomer.Set.Validators));

        machine.Handle(new CommitApplied(1, grown));

        Assert.Equal(2UL, machine.Height);
        Assert.Same(grown, machine.Validators);
        Assert.False(machine.IsValidator);
        machine.Receive(newcomer.VoteMessage(0, VoteType.Prevote, 2, 0, null));
        Assert.Equal(0, machine.Drops[DropReason.NotValidator]);
        machine.Receive(vals.VoteMessage(0, VoteType.Prevote, 2, 0, null));
        Assert.Equal(1, machine.Drops[DropReason.NotValidator]);
    }

    [Fact]
    public void CommitApplied_StaleHeight_Ignored()
    {
        using var vals = new TestValidators(4);
        var machine = vals.Machine(0, height: 5);
        machine.Start();

        Assert.Empty(machine.Handle(new CommitApplied(3, vals.Set)));
        Assert.Equal(5UL, machine.Height);
    }

    [Fact]
    public void Receive_NextHeightMessages_BufferedAndCountedAfterCommitApplied()
    {
        using var vals = new TestValidators(4);
        var machine = vals.Machine(0);
        machine.Start();
        foreach (var i in new[] { 1, 2, 3 })
        {
            Assert.Empty(machine.Receive(vals.VoteMessage(i, VoteType.Prevote, 2, 0, null)));
        }

        machine.Handle(new CommitApplied(1, vals.Set));
        var actions = machine.Handle(new TimeoutFired(2, 0, TimeoutKind.Propose));

        // The three buffered nil prevotes were counted at height 2: with ours the machine precommits nil at once.
        var precommit = Assert.Single(actions.BroadcastVotes(VoteType.Precommit));
        Assert.Equal((2UL, true), (precommit.Height, precommit.BlockHash.IsEmpty));
    }

    [Fact]
    public void Receive_VoteOfPreviousHeight_AnsweredWithOurCertificate()
    {
        using var vals = new TestValidators(1);
        var machine = vals.Machine(0);
        machine.Start();
        var commit = machine.Handle(new ProposalReady(1, 0, vals.Block(1, 0))).Single<CommitBlock>();
        machine.Handle(new CommitApplied(1, vals.Set));

        var reply = machine.Receive(vals.VoteMessage(0, VoteType.Prevote, 1, 0, null)).Single<SendTo>();

        Assert.Equal(new Hash32(vals.Keys[0].PublicKey), reply.Validator);
        Assert.Equal(commit.Certificate, reply.Message.Commit);
        Assert.Empty(machine.Receive(vals.VoteMessage(0, VoteType.Prevote, 1, 1, null)).OfType<SendTo>());
    }

    [Fact]
    public void Receive_CertificateForOurHeight_DecidesWhenBlockKnown()
    {
        using var vals = new TestValidators(4);
        var proposer = ConsensusFlowTests.ProposerOf(vals, 1, 0);
        var me = (proposer + 1) % 4;
        var others = Enumerable.Range(0, 4).Where(i => i != me).ToArray();
        var machine = vals.Machine(me);
        machine.Start();
        var block = vals.Block(1, proposer);
        var hash = block.Header.Hash();
        machine.Receive(vals.ProposalMessage(proposer, block));
        machine.Handle(new BlockValidated(1, hash, true));
        var certificate = CommitCertificates.FromPrecommits(1, 0, hash, others.Select(i => vals.Vote(i, VoteType.Precommit, 1, 0, hash)));

        var commit = machine.Receive(new ConsensusMessage { Commit = certificate }).Single<CommitBlock>();

        Assert.Equal(hash, commit.BlockHash);
        Assert.Equal(certificate, commit.Certificate);
    }

    [Fact]
    public void Receive_CertificateForUnknownBlock_ReportsBehind()
    {
        using var vals = new TestValidators(4);
        var machine = vals.Machine(0);
        machine.Start();
        var hash = vals.Block(1, 1, salt: 99).Header.Hash();
        var certificate = CommitCertificates.FromPrecommits(1, 0, hash, new[] { 1, 2, 3 }.Select(i => vals.Vote(i, VoteType.Precommit, 1, 0, hash)));

        var behind = machine.Receive(new ConsensusMessage { Commit = certificate }).Single<Behind>();

        Assert.Equal(2UL, behind.PeersHeight);
        Assert.Equal(RoundStep.Propose, machine.Step);
    }

    [Fact]
    public void Receive_CertificateShortOfQuorum_DroppedAndDecidesNothing()
    {
        using var vals = new TestValidators(4);
        var machine = vals.Machine(0);
        machine.Start();
        var hash = vals.Block(1, 1).Header.Hash();
        var certificate = CommitCertificates.FromPrecommits(1, 0, hash, new[] { 1, 2 }.Select(i => vals.Vote(i, VoteType.Precommit, 1, 0, hash)));

        Assert.Empty(machine.Receive(new ConsensusMessage { Commit = certificate }));
        Assert.Equal(1, machine.Drops[DropReason.BadSignature]);
    }

    [Fact]
    public void CommitApplied_AfterBlockSync_JumpsAheadAndRunsTheNewHeight()
    {
        using var vals = new TestValidators(4);
        var machine = vals.Machine(0);
        machine.Start();

        var actions = machine.Handle(new CommitApplied(41, vals.Set));

        Assert.Equal(42UL, machine.Height);
        Assert.Contains(actions, a => a is ScheduleTimeout { Height: 42, Round: 0, Kind: TimeoutKind.Propose });
    }

    [Fact]
    public void Handle_FourMachinesOverManyHeights_AllCommitTheSameBlocksAcrossASetChange()
    {
        using var vals = new TestValidators(4);
        using var newcomer = new TestValidators(1, keyOffset: 77);
        var grown = new WeightedValidatorSet(vals.Set.Validators.Concat(newcomer.Set.Validators.Select(v => new Validator(v) { VotingPower = 2 })));
        WeightedValidatorSet SetFor(ulong h) => h >= 3 ? grown : vals.Set;
        var signers = vals.Keys.Concat(newcomer.Keys).ToArray();
        var machines = signers.Select(k => new ConsensusMachine(TestValidators.Options, 1, vals.Set, new Ed25519ConsensusSigner(k), Ed25519SignatureVerifier.Instance)).ToArray();
        var committed = machines.Select(_ => new List<Hash32>()).ToArray();
        var inbox = new Queue<(int To, ConsensusEvent Event)>();

        void Perform(int node, IReadOnlyList<ConsensusAction> actions)
        {
            foreach (var action in actions)
            {
                switch (action)
                {
                    case Broadcast b:
                        for (var j = 0; j < machines.Length; j++)
                        {
                            if (j != node)
                            {
                                inbox.Enqueue((j, new MessageReceived(b.Message)));
                            }
                        }

                        break;
                    case RequestProposal r:
                        var block = TestValidators.WithBody(new Block { Header = new BlockHeader { ChainId = TestValidators.ChainId, Height = r.Height, TimeUnixMs = (long)r.Height, Proposer = ByteString.CopyFrom(signers[node].PublicKey) } });
                        inbox.Enqueue((node, new ProposalReady(r.Height, r.Round, block)));
                        break;
                    case ValidateBlock v:
                        inbox.Enqueue((node, new BlockValidated(v.Height, v.BlockHash, true)));
                        break;
                    case CommitBlock c:
                        Assert.True(CommitCertificates.Verify(c.Certificate, SetFor(c.Certificate.Height), TestValidators.ChainId, c.Certificate.Height, c.BlockHash).IsValid);
                        committed[node].Add(c.BlockHash);
                        inbox.Enqueue((node, new CommitApplied(c.Certificate.Height, SetFor(c.Certificate.Height + 1))));
                        break;
                }
            }
        }

        for (var i = 0; i < machines.Length; i++)
        {
            Perform(i, machines[i].Start());
        }

        for (var steps = 0; steps < 20_000 && inbox.Count > 0 && committed.Any(c => c.Count < 6); steps++)
        {
            var (to, input) = inbox.Dequeue();
            Perform(to, machines[to].Handle(input));
        }

        Assert.All(committed, c => Assert.True(c.Count >= 6, $"committed only {c.Count} heights"));
        for (var h = 0; h < 6; h++)
        {
            Assert.Single(committed.Select(c => c[h]).Distinct());
        }

        Assert.True(machines[4].IsValidator);
    }
}
