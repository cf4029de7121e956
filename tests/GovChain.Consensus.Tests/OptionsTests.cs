using System.Diagnostics.Metrics;
using GovChain.Protocol;

namespace GovChain.Consensus.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void FromParams_GenesisValues_UsedAndZeroKeepsDefault()
    {
        var timeouts = TimeoutOptions.FromParams(new ConsensusParams { TimeoutProposeMs = 1234, TimeoutDeltaMs = 77 });

        Assert.Equal(1234, timeouts.ProposeMs);
        Assert.Equal(77, timeouts.DeltaMs);
        Assert.Equal(new TimeoutOptions().PrevoteMs, timeouts.PrevoteMs);
    }

    [Fact]
    public void ConsensusOptions_ChainIdTooLongOrEmpty_Rejected()
    {
        Assert.Throws<ArgumentException>(() => new ConsensusOptions(new string('x', 65)));
        Assert.Throws<ArgumentException>(() => new ConsensusOptions(string.Empty));
    }

    [Fact]
    public void Constructor_NonPositiveTimeout_Rejected()
    {
        using var vals = new TestValidators(1);
        var options = TestValidators.Options with { Timeouts = new TimeoutOptions { ProposeMs = 0 } };

        Assert.Throws<ArgumentException>(() => new ConsensusMachine(options, 1, vals.Set, null, Ed25519SignatureVerifier.Instance));
    }

    [Fact]
    public void Drop_WithMeterListener_PublishesCounterWithReason()
    {
        using var vals = new TestValidators(1);
        var machine = vals.Machine(0);
        machine.Start();
        var seen = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "GovChain.Consensus" && instrument.Name == "govchain.consensus.messages_dropped")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    lock (seen)
                    {
                        seen.Add($"{tag.Value}:{value}");
                    }
                }
            }
        });
        listener.Start();

        machine.Handle(new MessageBytesReceived(new byte[] { 0xFF }));

        lock (seen)
        {
            Assert.Contains("Malformed:1", seen);
        }
    }
}
