namespace GovChain.Rpc.Tests;

/// <summary>One plaintext server with the echo and health services, and one channel to it, shared by a test class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public EchoService Echo { get; } = new();

    public Health.HealthService Health { get; } = new();

    public RpcServer Server { get; private set; } = null!;

    public RpcChannel Channel { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = new RpcServer(new RpcServerOptions { CompressResponses = true })
            .AddService(Echo.Definition)
            .AddService(Health.Definition);
        await Server.StartAsync();
        Channel = new RpcChannel(Server.Address);
    }

    public async Task DisposeAsync()
    {
        Channel.Dispose();
        await Server.DisposeAsync();
    }
}
