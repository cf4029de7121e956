namespace GovChain.Simulation.Tests;

/// <summary>
/// Scenarios from real incidents of permissioned chains, each over many seeds (the seed
/// varies delays, losses and timings; the fault is fixed). Every run also checks all the
/// invariants of <see cref="InvariantChecker"/>.
/// </summary>
public sealed class IncidentScenarioTests
{
    private const int SeedsPerScenario = 40;

    [Theory]
    [InlineData(4)]
    [InlineData(7)]
    public void AllValidatorsRestartedAtOnce_ReplayWal_ChainResumes(int n)
    {
        foreach (var seed in SeedRunner.ScenarioSeeds(SeedsPerScenario))
        {
            var rng = new SimRandom(seed);
            var at = rng.Between(200, 900);
            var scenario = new SimScenario
            {
                Validators = n,
                Epochs = [new SetEpoch(1, Powers(n, 1))],
                Byzantine = new ByzantineKind[n],
                Loss = 0.05,
                MaxDelayMs = 30,
                Crashes = Enumerable.Range(0, n).Select(i => new Crash(i, at, at + rng.Between(1, 300), false)).ToList(),
                HealMs = 1500,
                LivenessHeights = 3,
            };
            var result = SeedRunner.RunOne(seed, scenario, nameof(AllValidatorsRestartedAtOnce_ReplayWal_ChainResumes), sim =>
            {
                // Each node restarted from its WAL and block store and went on to new heights.
                Assert.All(sim.Nodes, node => Assert.NotNull(node.Machine));
            });
            Assert.True(result.MinHonestHeight >= result.HeightAtHeal + 3, $"seed {seed}: {result}");
        }
    }

    [Fact]
    public void ValidatorWiped_RejoinsBySyncAndSignsAgain_NoDoubleSign()
    {
        foreach (var seed in SeedRunner.ScenarioSeeds(SeedsPerScenario))
        {
            var rng = new SimRandom(seed);
            var at = rng.Between(300, 800);
            var scenario = new SimScenario
            {
                Validators = 4,
                Epochs = [new SetEpoch(1, Powers(4, 1))],
                Byzantine = new ByzantineKind[4],
                Loss = 0.02,
                MaxDelayMs = 20,
                Crashes = [new Crash(2, at, at + 50, Wipe: true)],
                HealMs = 2000,
                LivenessHeights = 8,
            };
            SeedRunner.RunOne(seed, scenario, nameof(ValidatorWiped_RejoinsBySyncAndSignsAgain_NoDoubleSign), sim =>
            {
                var wiped = sim.Nodes[2];
                Assert.False(wiped.Follower);
                Assert.True(wiped.Machine!.IsValidator);
                Assert.Equal(sim.Nodes[0].Chain[0].Hash, wiped.Chain[0].Hash);
                Assert.Contains(wiped.Wal, r => r.Vote is { } v && v.Height > (ulong)wiped.Chain.Count - 3);
            });
        }
    }

    [Fact]
    public void ValidatorSetChanges_WhileOneValidatorDown_NoHalt()
    {
        foreach (var seed in SeedRunner.ScenarioSeeds(SeedsPerScenario))
        {
            // Node 4 joins at height 3; at height 5 node 3 leaves and node 0 doubles its power;
            // node 1 is down from early on until healing. A quorum stays up throughout.
            var scenario = new SimScenario
            {
                Validators = 4,
                ExtraNodes = 1,
                Epochs =
                [
                    new SetEpoch(1, [1, 1, 1, 1, 0]),
                    new SetEpoch(3, [1, 1, 1, 1, 1]),
                    new SetEpoch(5, [2, 1, 1, 0, 1]),
                ],
                Byzantine = new ByzantineKind[5],
                Loss = 0.02,
                MaxDelayMs = 20,
                Crashes = [new Crash(1, 50, 8000, false)],
                HealMs = 8000,
                LivenessHeights = 3,
            };
            var result = SeedRunner.RunOne(seed, scenario, nameof(ValidatorSetChanges_WhileOneValidatorDown_NoHalt), sim =>
            {
                Assert.True(sim.Nodes[4].Machine!.IsValidator);
                Assert.False(sim.Nodes[3].Machine!.IsValidator);
            });
            Assert.True(result.HeightAtHeal >= 6, $"seed {seed}: the chain halted across the set changes ({result})");
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(10)]
    public void FValidatorsSilent_WithMessageLoss_ChainProgresses(int n)
    {
        foreach (var seed in SeedRunner.ScenarioSeeds(SeedsPerScenario / 2))
        {
            var f = (n - 1) / 3;
            var byzantine = new ByzantineKind[n];
            var rng = new SimRandom(seed);
            for (var placed = 0; placed < f;)
            {
                var i = rng.Next(n);
                if (byzantine[i] == ByzantineKind.None)
                {
                    byzantine[i] = ByzantineKind.Silent;
                    placed++;
                }
            }

            var scenario = new SimScenario
            {
                Validators = n,
                Epochs = [new SetEpoch(1, Powers(n, 1))],
                Byzantine = byzantine,
                Loss = 0.1,
                Duplicate = 0.05,
                MaxDelayMs = 40,
                HealMs = 8000,
            };
            var result = SeedRunner.RunOne(seed, scenario, nameof(FValidatorsSilent_WithMessageLoss_ChainProgresses));
            Assert.True(result.HeightAtHeal >= 2, $"seed {seed}: no progress under loss with f silent ({result})");
        }
    }

    [Theory]
    [InlineData(ByzantineKind.EquivocatingProposer)]
    [InlineData(ByzantineKind.DoubleVoter)]
    public void Equivocator_IsCaught_EvidenceReportedAndCommitted(ByzantineKind kind)
    {
        var reported = 0;
        var committed = 0;
        foreach (var seed in SeedRunner.ScenarioSeeds(SeedsPerScenario / 2))
        {
            var byzantine = new ByzantineKind[4];
            byzantine[(int)(seed % 4)] = kind;
            var scenario = new SimScenario
            {
                Validators = 4,
                Epochs = [new SetEpoch(1, Powers(4, 1))],
                Byzantine = byzantine,
                MaxDelayMs = 20,
                HealMs = 1500,
                LivenessHeights = 4,
            };
            var result = SeedRunner.RunOne(seed, scenario, nameof(Equivocator_IsCaught_EvidenceReportedAndCommitted));
            reported += result.EvidenceReported;
            committed += result.EvidenceCommitted;
        }

        Assert.True(reported > 0, "no equivocation was detected");
        Assert.True(committed > 0, "no evidence made it into a block");
    }

    private static ulong[] Powers(int n, ulong power) => Enumerable.Repeat(power, n).ToArray();
}
