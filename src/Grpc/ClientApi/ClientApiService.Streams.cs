using GovChain.Grpc.Server;
using GovChain.Protocol;
using Grpc.Core;

namespace GovChain.Grpc.ClientApi;

public sealed partial class ClientApiService
{
    // Each write awaits the client's flow control, so a slow reader holds one block at a time
    // and the feed (not this call) decides how far behind it may fall before reading the store.
    public override async Task StreamBlocks(StreamBlocksRequest request, IServerStreamWriter<CertifiedBlock> responses, ServerCallContext context)
    {
        using var slot = OpenStream(context);
        var from = Math.Max(1, request.FromHeight);
        await foreach (var committed in _feed.SubscribeAsync(from, context.CancellationToken).ConfigureAwait(false))
        {
            var message = request.HeadersOnly
                ? new CertifiedBlock { Block = new Block { Header = committed.Block.Header }, Certificate = committed.Certificate }
                : committed;
            await responses.WriteAsync(message, context.CancellationToken).ConfigureAwait(false);
        }
    }

    public override async Task StreamEvents(StreamEventsRequest request, IServerStreamWriter<ContractEvent> responses, ServerCallContext context)
    {
        if (request.Contract.Length > _options.MaxContractNameLength)
        {
            throw RpcErrors.Of(StatusCode.InvalidArgument, $"a contract name is at most {_options.MaxContractNameLength} characters");
        }

        using var slot = OpenStream(context);
        var filter = request.Contract;
        var from = Math.Max(1, request.FromHeight);
        await foreach (var committed in _feed.SubscribeAsync(from, context.CancellationToken).ConfigureAwait(false))
        {
            var height = committed.Block.Header.Height;
            foreach (var receipt in committed.Receipts)
            {
                foreach (var e in receipt.Events)
                {
                    if (filter.Length == 0 || string.Equals(e.Contract, filter, StringComparison.Ordinal))
                    {
                        await responses.WriteAsync(new ContractEvent { Height = height, TxId = receipt.TxId, Event = e }, context.CancellationToken)
                            .ConfigureAwait(false);
                    }
                }
            }
        }
    }

    /// <summary>Takes one of the bounded stream slots (the node's and the client's share), or refuses the call with RESOURCE_EXHAUSTED.</summary>
    private StreamSlot OpenStream(ServerCallContext context)
    {
        var slot = _streams.Take(context.RemoteIpAddress());
        _metrics?.StreamOpened();
        return new StreamSlot(this, slot);
    }

    private readonly struct StreamSlot(ClientApiService owner, ClientQuota.Slot slot) : IDisposable
    {
        public void Dispose()
        {
            slot.Dispose();
            owner._metrics?.StreamClosed();
        }
    }
}
