using System.Runtime.CompilerServices;
using GovChain.Core.Hashing;
using GovChain.Node.Network;
using GovChain.Protocol;
using Grpc.Core;

namespace GovChain.Grpc.Peers;

/// <summary>Block sync: committed ranges fetched in bounded calls, moving to another peer when one fails.</summary>
public sealed partial class GrpcPeerNetwork
{
    /// <remarks>
    /// Blocks arrive in ascending height with no gap, each naming the peer that served it, so a
    /// caller whose verification fails can pass that peer to <see cref="ReportMisbehaviour"/>
    /// (which disconnects and bans it, so the next fetch asks another). The sequence may end
    /// before <paramref name="toHeight"/> when no connected peer can serve the next height (all
    /// tried since the last progress); the caller asks again later from where it stopped. A peer
    /// that sends a block of another height than the one due is reported here.
    /// </remarks>
    public async IAsyncEnumerable<FetchedBlock> FetchBlocksAsync(
        ulong fromHeight, ulong toHeight, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (fromHeight == 0 || toHeight < fromHeight)
        {
            yield break;
        }

        var next = fromHeight;
        var tried = new HashSet<PeerConnection>();
        while (next <= toHeight)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var connection = PickFetchPeer(next, tried);
            if (connection is null)
            {
                PeerLog.FetchExhausted(_logger, next);
                yield break;
            }

            tried.Add(connection);
            var last = Math.Min(toHeight, next + (ulong)_options.MaxBlocksPerFetch - 1);
            var metadata = connection.SessionMetadata;
            if (metadata is null)
            {
                continue;
            }

            var call = connection.Client.FetchBlocks(
                new FetchBlocksRequest { FromHeight = next, ToHeight = last },
                metadata,
                DateTime.UtcNow + _options.FetchCallTimeout,
                cancellationToken);
            try
            {
                while (next <= last)
                {
                    var (block, failure, violation) = await ReadNextAsync(call, next, cancellationToken).ConfigureAwait(false);
                    if (block is null)
                    {
                        if (failure is not null)
                        {
                            PeerLog.FetchFailed(_logger, connection.Peer.Identity.DepartmentId, next, failure);
                        }

                        if (violation)
                        {
                            ReportMisbehaviour(connection.Peer.Identity.ValidatorKey, $"block sync: {failure}");
                        }

                        break;
                    }

                    PeerMetrics.BlocksFetched.Add(1);
                    connection.Peer.RaiseHeight(next);
                    next++;

                    // Progress: peers that had nothing before may have caught up since.
                    tried.Clear();
                    tried.Add(connection);
                    yield return new FetchedBlock(connection.Peer.Identity.ValidatorKey, block);
                }
            }
            finally
            {
                call.Dispose();
            }

            if (next > last)
            {
                // This peer served the whole range: it may serve the next one too.
                tried.Remove(connection);
            }
        }
    }

    /// <summary>
    /// The next block of a fetch call, or null with why the call gave no more (a null reason when
    /// it simply ended); a violation marks a peer that broke the protocol rather than failed.
    /// </summary>
    private static async Task<(CertifiedBlock? Block, string? Failure, bool Violation)> ReadNextAsync(
        AsyncServerStreamingCall<CertifiedBlock> call, ulong expected, CancellationToken cancellationToken)
    {
        try
        {
            if (!await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                return (null, null, false);
            }
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"{ex.StatusCode}: {ex.Status.Detail}", false);
        }

        var block = call.ResponseStream.Current;
        var height = block.Block?.Header?.Height ?? 0;
        if (height != expected)
        {
            return (null, $"sent height {height} where {expected} was due", true);
        }

        return (block, null, false);
    }

    /// <summary>A connected peer not yet tried, preferring those that reported the height; rotated to spread the load.</summary>
    private PeerConnection? PickFetchPeer(ulong height, HashSet<PeerConnection> tried)
    {
        PeerConnection? fallback = null;
        var connections = _live.All;
        var start = (int)((uint)Interlocked.Increment(ref _fetchRotation) % (uint)Math.Max(1, connections.Length));
        for (var i = 0; i < connections.Length; i++)
        {
            var candidate = connections[(start + i) % connections.Length];
            if (!candidate.Peer.Connected || candidate.SessionMetadata is null || tried.Contains(candidate))
            {
                continue;
            }

            if (candidate.Peer.Height >= height)
            {
                return candidate;
            }

            fallback ??= candidate;
        }

        return fallback;
    }
}
