using System.Runtime.CompilerServices;
using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Core.Crypto;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Grpc.ClientApi;
using GovChain.Grpc.Server;
using GovChain.Node.Chain;
using GovChain.Node.Mempool;
using GovChain.Node.Tests.Support;
using GovChain.Protocol;
using GovChain.Storage;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GovChain.Node.Tests.Api;

/// <summary>The client API service alone on a real loopback server, over an empty one-validator chain.</summary>
internal sealed class ApiTestHost : IAsyncDisposable
{
    public const string ChainId = "api-service-test";

    private ApiTestHost(ClientApiOptions? options)
    {
        Validator = KeyPair.FromSeed(Enumerable.Repeat((byte)7, 32).ToArray());
        Genesis = GenesisDocument.FromProto(new Genesis
        {
            ChainId = ChainId,
            Departments = { new Department { Id = "land-registry", ValidatorKey = ByteString.CopyFrom(Validator.PublicKey), VotingPower = 1 } },
        });
        Database = NodeDatabase.OpenInMemory(ChainId, Genesis.Hash);
        Database.State.CommitGenesis(Database.State.Prepare(0, ContractEngine.InitialState(Genesis)));
        Pool = new TransactionPool(new MempoolOptions(), ChainId, sender => ContractEngine.NextNonce(Database.State.Latest(), sender.ToArray()));
        var service = new ClientApiService(Database, Pool, new ContractEngine(), Feed, new Status(), Genesis, txs => Gossiped.AddRange(txs), options);
        Server = GrpcEndpoint.Create(new GrpcEndpointOptions(), services =>
        {
            services.AddStrictGrpc();
            services.AddSingleton(service);
        }, app => app.MapGrpcService<ClientApiService>());
    }

    public KeyPair Validator { get; }

    public GenesisDocument Genesis { get; }

    public NodeDatabase Database { get; }

    public TransactionPool Pool { get; }

    public IdleFeed Feed { get; } = new();

    public List<SignedTransaction> Gossiped { get; } = [];

    public GrpcEndpoint Server { get; }

    public static async Task<(ApiTestHost Host, GrpcChannel Channel)> StartAsync(ClientApiOptions? options = null)
    {
        var host = new ApiTestHost(options);
        await host.Server.StartAsync();
        return (host, TestChannels.Open(host.Server.Address));
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Database.Dispose();
        Validator.Dispose();
    }

    /// <summary>A feed on which nothing ever commits: waits and subscriptions last until cancelled.</summary>
    internal sealed class IdleFeed : ICommitFeed
    {
        public int Subscriptions;

        public ulong Height => 0;

        public void Publish(CertifiedBlock committed) => throw new InvalidOperationException("nothing commits in these tests");

        public Task WaitForTransactionAsync(Hash32 txId, CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

        public async IAsyncEnumerable<CertifiedBlock> SubscribeAsync(ulong fromHeight, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Subscriptions);
            await Task.Delay(Timeout.Infinite, cancellationToken);
            yield break;
        }
    }

    private sealed class Status : INodeStatusSource
    {
        public NodeStatus GetStatus() => new() { ChainId = ChainId, DepartmentId = "land-registry" };
    }
}
