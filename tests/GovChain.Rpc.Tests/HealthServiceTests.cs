using GovChain.Rpc.Health;
using ServingStatus = GovChain.Rpc.Health.HealthCheckResponse.Types.ServingStatus;

namespace GovChain.Rpc.Tests;

public class HealthServiceTests
{
    [Fact]
    public void New_WholeServer_IsServingAndOthersUnknown()
    {
        var health = new HealthService();
        Assert.Equal(ServingStatus.Serving, health.GetStatus(""));
        Assert.Null(health.GetStatus("govchain.v1.ClientApi"));
    }

    [Fact]
    public void SetAllNotServing_EveryKnownService_BecomesNotServing()
    {
        var health = new HealthService();
        health.SetStatus("govchain.v1.ClientApi", ServingStatus.Serving);
        health.SetStatus("govchain.v1.PeerApi", ServingStatus.Serving);
        health.SetAllNotServing();
        Assert.Equal(ServingStatus.NotServing, health.GetStatus(""));
        Assert.Equal(ServingStatus.NotServing, health.GetStatus("govchain.v1.ClientApi"));
        Assert.Equal(ServingStatus.NotServing, health.GetStatus("govchain.v1.PeerApi"));
    }

    [Fact]
    public void ClearStatus_KnownService_IsForgotten()
    {
        var health = new HealthService();
        health.SetStatus("govchain.v1.ClientApi", ServingStatus.Serving);
        health.ClearStatus("govchain.v1.ClientApi");
        Assert.Null(health.GetStatus("govchain.v1.ClientApi"));
    }

    [Fact]
    public void SetStatus_OverlongNameOrTooManyServices_IsRefused()
    {
        var health = new HealthService();
        Assert.Throws<ArgumentOutOfRangeException>(() => health.SetStatus(new string('s', 257), ServingStatus.Serving));
        for (var i = 1; i < 1024; i++)
        {
            health.SetStatus("svc" + i, ServingStatus.Serving);
        }

        Assert.Throws<InvalidOperationException>(() => health.SetStatus("one-too-many", ServingStatus.Serving));
    }
}
