using GovChain.Contracts.Tests.Support;

namespace GovChain.Contracts.Tests;

public sealed class ScenarioScriptTests
{
    [Theory]
    [InlineData("land-transfer.txt")]
    [InlineData("credentials.txt")]
    [InlineData("tender.txt")]
    public void Script_RunsWithItsExpectedOutcomes(string file)
    {
        using var chain = new TestChain();

        new ScenarioScript(chain).Run(Path.Combine(AppContext.BaseDirectory, "testdata", file));

        chain.AssertReplayIsIdentical();
    }
}
