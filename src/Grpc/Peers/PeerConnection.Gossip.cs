using System.Threading.Channels;
using GovChain.Grpc.Server;
using GovChain.Node.Mempool;
using GovChain.Protocol;
using Grpc.Core;

namespace GovChain.Grpc.Peers;

/// <summary>Transaction gossip to one peer: a bounded queue drained in batches bounded by count, bytes and a short linger.</summary>
internal sealed partial class PeerConnection
{
    private readonly Channel<SignedTransaction> _gossipQueue;

    /// <summary>Queues a transaction for the next batch; dropped when the peer is not connected or the queue is full.</summary>
    public void EnqueueGossip(SignedTransaction transaction)
    {
        if (!Peer.Connected)
        {
            PeerMetrics.GossipDropped.Add(1);
            return;
        }

        _gossipQueue.Writer.TryWrite(transaction);
    }

    /// <summary>Sends one batch now and returns the peer's admission outcome of each transaction, in order.</summary>
    public async Task<AdmissionResult[]> SendGossipAsync(IReadOnlyList<SignedTransaction> transactions, CancellationToken cancellationToken)
    {
        var metadata = SessionMetadata
            ?? throw RpcErrors.Of(StatusCode.Unavailable, $"no open session with '{Peer.Identity.DepartmentId}'");
        var request = new GossipRequest();
        request.Transactions.AddRange(transactions);
        var response = await Client.GossipAsync(request, metadata, DateTime.UtcNow + _options.GossipCallTimeout, cancellationToken).ConfigureAwait(false);
        PeerMetrics.GossipSent.Add(transactions.Count);

        var results = new AdmissionResult[response.Results.Count];
        var refused = 0;
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = GossipAdmissions.FromWire(response.Results[i]);
            if (!results[i].IsAdmitted)
            {
                refused++;
            }
        }

        PeerMetrics.GossipRefused.Add(refused);
        return results;
    }

    private async Task GossipLoopAsync(CancellationToken stop)
    {
        var reader = _gossipQueue.Reader;
        var batch = new List<SignedTransaction>(_options.MaxGossipBatchTransactions);
        try
        {
            while (await reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                // A partly filled batch waits briefly, so a steady trickle still travels in batches.
                if (reader.Count < _options.MaxGossipBatchTransactions && _options.GossipLinger > TimeSpan.Zero)
                {
                    await Task.Delay(_options.GossipLinger, _time, stop).ConfigureAwait(false);
                }

                TakeBatch(reader, batch);
                if (batch.Count == 0)
                {
                    continue;
                }

                try
                {
                    await SendGossipAsync(batch, stop).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stop.IsCancellationRequested)
                {
                    // Lost gossip costs nothing but latency: the peer gets the transactions in blocks.
                    PeerMetrics.GossipDropped.Add(batch.Count);
                    PeerLog.GossipFailed(_logger, Peer.Identity.DepartmentId, batch.Count, ex is RpcException rpc ? rpc.StatusCode : StatusCode.Unknown);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private void TakeBatch(ChannelReader<SignedTransaction> reader, List<SignedTransaction> batch)
    {
        batch.Clear();
        var bytes = 0;
        while (batch.Count < _options.MaxGossipBatchTransactions && reader.TryPeek(out var next))
        {
            var size = next.CalculateSize();
            if (batch.Count > 0 && bytes + size > _options.MaxGossipBatchBytes)
            {
                break;
            }

            reader.TryRead(out _);
            batch.Add(next);
            bytes += size;
        }
    }
}
