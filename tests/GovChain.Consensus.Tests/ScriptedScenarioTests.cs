using GovChain.Core.Blocks;
using System.Text;
using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Consensus.Tests;

/// <summary>
/// Scenario scripts (testdata/*.txt): commands fed to one machine, each followed by
/// <c>----</c> and the exact actions it must answer with, one per line (see
/// <see cref="ScenarioScript"/>). Readable, reviewable, cheap to add. Set
/// GOVCHAIN_REWRITE_SCRIPTS=1 to rewrite the expected blocks from what the machine does.
/// </summary>
public sealed class ScriptedScenarioTests
{
    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "testdata"), "*.txt").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_RunAgainstMachine_ActionsAsWritten(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "testdata", name);
        var (expected, actual) = ScenarioScript.Run(File.ReadAllText(path));
        if (Environment.GetEnvironmentVariable("GOVCHAIN_REWRITE_SCRIPTS") == "1")
        {
            var source = Path.Combine(FindProjectDirectory(), "testdata", name);
            File.WriteAllText(source, actual);
        }

        Assert.Equal(expected, actual);
    }

    private static string FindProjectDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GovChain.Consensus.Tests.csproj")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("project directory not found");
    }
}

/// <summary>
/// Interprets a scenario script. Commands (validators are canonical indices, blocks are names):
/// <c>validators N [powers...]</c>, <c>node I</c>, <c>start</c>, <c>proposer ROUND</c>,
/// <c>propose FROM ROUND BLOCK [POLROUND]</c>, <c>valid BLOCK</c>, <c>invalid BLOCK</c>,
/// <c>prevote FROM ROUND BLOCK|nil [HEIGHT]</c>, <c>precommit FROM ROUND BLOCK|nil [HEIGHT]</c>,
/// <c>timeout propose|prevote|precommit|retransmit ROUND</c>, <c>applied HEIGHT</c>,
/// <c>ready ROUND BLOCK</c> (this node's own block), <c>drops</c>.
/// </summary>
internal static class ScenarioScript
{
    public static (string Expected, string Actual) Run(string script)
    {
        var lines = script.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var actual = new StringBuilder();
        var expected = new StringBuilder();
        TestValidators? vals = null;
        ConsensusMachine? machine = null;
        var me = 0;
        var blocks = new Dictionary<string, Hash32>();
        var names = new Dictionary<Hash32, string>();
        var i = 0;
        try
        {
            while (i < lines.Length)
            {
                var line = lines[i++];
                actual.Append(line).Append('\n');
                expected.Append(line).Append('\n');
                if (line.Length == 0 || line.StartsWith('#'))
                {
                    continue;
                }

                if (i >= lines.Length || lines[i] != "----")
                {
                    throw new FormatException($"line {i}: a command must be followed by ----");
                }

                actual.Append("----\n");
                expected.Append("----\n");
                i++;
                while (i < lines.Length && lines[i].Length > 0)
                {
                    expected.Append(lines[i++]).Append('\n');
                }

                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var output = new List<string>();
                IReadOnlyList<ConsensusAction>? actions = null;
                switch (words[0])
                {
                    case "validators":
                        vals?.Dispose();
                        vals = new TestValidators(int.Parse(words[1]), words.Length > 2 ? words[2..].Select(ulong.Parse).ToArray() : null);
                        output.Add("ok");
                        break;
                    case "node":
                        me = int.Parse(words[1]);
                        machine = vals!.Machine(me);
                        output.Add("ok");
                        break;
                    case "start":
                        actions = machine!.Start();
                        break;
                    case "proposer":
                        output.Add(ProposerSchedule.For(vals!.Set).ProposerIndex(machine!.Height, uint.Parse(words[1])).ToString());
                        break;
                    case "propose":
                    {
                        var from = int.Parse(words[1]);
                        var block = vals!.Block(machine!.Height, from, salt: words[3][0]);
                        Name(words[3], block.Header.Hash());
                        actions = machine.Receive(vals.ProposalMessage(from, block, uint.Parse(words[2]), words.Length > 4 ? int.Parse(words[4]) : -1));
                        break;
                    }

                    case "ready":
                    {
                        var block = vals!.Block(machine!.Height, me, salt: words[2][0]);
                        Name(words[2], block.Header.Hash());
                        actions = machine.Handle(new ProposalReady(machine.Height, uint.Parse(words[1]), block));
                        break;
                    }

                    case "valid" or "invalid":
                        actions = machine!.Handle(new BlockValidated(machine.Height, blocks[words[1]], words[0] == "valid"));
                        break;
                    case "prevote" or "precommit":
                    {
                        var type = words[0] == "prevote" ? VoteType.Prevote : VoteType.Precommit;
                        Hash32? hash = words[3] == "nil" ? null : blocks[words[3]];
                        var height = words.Length > 4 ? ulong.Parse(words[4]) : machine!.Height;
                        actions = machine!.Receive(vals!.VoteMessage(int.Parse(words[1]), type, height, uint.Parse(words[2]), hash));
                        break;
                    }

                    case "timeout":
                        actions = machine!.Handle(new TimeoutFired(machine.Height, uint.Parse(words[2]), Enum.Parse<TimeoutKind>(words[1], ignoreCase: true)));
                        break;
                    case "applied":
                        actions = machine!.Handle(new CommitApplied(ulong.Parse(words[1]), vals!.Set));
                        break;
                    case "drops":
                        output.Add(string.Join(" ", Enum.GetValues<DropReason>().Where(r => machine!.Drops[r] > 0).Select(r => $"{r}={machine!.Drops[r]}")));
                        break;
                    default:
                        throw new FormatException($"line {i}: unknown command '{words[0]}'");
                }

                if (actions is not null)
                {
                    output.AddRange(actions.Select(Describe));
                    output.Add($"= h{machine!.Height} r{machine.Round} {machine.Step.ToString().ToLowerInvariant()}");
                }

                foreach (var o in output)
                {
                    actual.Append(o).Append('\n');
                }
            }
        }
        finally
        {
            vals?.Dispose();
        }

        return (expected.ToString(), actual.ToString());

        void Name(string name, Hash32 hash)
        {
            blocks[name] = hash;
            names[hash] = name;
        }

        string BlockName(Hash32 hash) => names.TryGetValue(hash, out var n) ? n : hash.ToShortString();

        string HashName(Google.Protobuf.ByteString hash) => hash.IsEmpty ? "nil" : BlockName(new Hash32(hash.Span));

        string Who(Google.Protobuf.ByteString key) => vals!.Set.TryGetIndex(key.Span, out var index) ? $"v{index}" : "outsider";

        string Message(ConsensusMessage m) => m.KindCase switch
        {
            ConsensusMessage.KindOneofCase.Vote => $"{m.Vote.Type.ToString().ToLowerInvariant()} {Who(m.Vote.Validator)} h{m.Vote.Height} r{m.Vote.Round} {HashName(m.Vote.BlockHash)}",
            ConsensusMessage.KindOneofCase.Proposal => $"proposal {Who(m.Proposal.Proposer)} h{m.Proposal.Height} r{m.Proposal.Round} pol{m.Proposal.PolRound} {BlockName(GovChain.Core.Blocks.BlockHashing.Hash(m.Proposal.Block.Header))}",
            _ => $"certificate h{m.Commit.Height} r{m.Commit.Round} {HashName(m.Commit.BlockHash)} sigs={m.Commit.Signatures.Count}",
        };

        string Describe(ConsensusAction action) => action switch
        {
            Broadcast b => "broadcast " + Message(b.Message),
            SendTo s => $"send v{(vals!.Set.TryGetIndex(s.Validator, out var to) ? to : -1)} {Message(s.Message)}",
            WriteWal { Record: var r } => "wal " + (r.KindCase switch
            {
                WalRecord.KindOneofCase.Vote => Message(new ConsensusMessage { Vote = r.Vote }),
                WalRecord.KindOneofCase.Proposal => Message(new ConsensusMessage { Proposal = r.Proposal }),
                _ => $"lock h{r.Lock.Height} r{r.Lock.Round} {BlockName(GovChain.Core.Blocks.BlockHashing.Hash(r.Lock.Block.Header))} prevotes={r.Lock.Prevotes.Count}",
            }),
            ScheduleTimeout t => $"timer {t.Kind.ToString().ToLowerInvariant()} h{t.Height} r{t.Round} {t.Delay.TotalMilliseconds}ms",
            RequestProposal r => $"request-proposal h{r.Height} r{r.Round}",
            ValidateBlock v => $"validate h{v.Height} r{v.Round} {BlockName(v.BlockHash)}",
            CommitBlock c => $"commit h{c.Certificate.Height} r{c.Certificate.Round} {BlockName(c.BlockHash)} sigs={c.Certificate.Signatures.Count}",
            ReportEvidence e => "evidence " + e.Evidence.KindCase,
            Behind b => $"behind {b.PeersHeight}",
            _ => action.ToString(),
        };
    }
}
