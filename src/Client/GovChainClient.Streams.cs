using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using GovChain.Protocol;
using Grpc.Core;

namespace GovChain.Client;

public sealed partial class GovChainClient
{
    /// <summary>
    /// Committed blocks from <paramref name="fromHeight"/> on, then each new one as it commits,
    /// until cancelled. When the node becomes UNAVAILABLE the stream reconnects with back-off
    /// and resumes after the last block received, so no block is missed or repeated.
    /// </summary>
    public async IAsyncEnumerable<CertifiedBlock> StreamBlocksAsync(
        ulong fromHeight, bool headersOnly = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var next = Math.Max(1, fromHeight);
        var retries = new StreamRetries(this, "StreamBlocks");
        while (true)
        {
            using var call = _api.StreamBlocks(
                new StreamBlocksRequest { FromHeight = next, HeadersOnly = headersOnly }, new CallOptions(cancellationToken: cancellationToken));
            var reader = call.ResponseStream;
            while (true)
            {
                CertifiedBlock block;
                try
                {
                    if (!await reader.MoveNext(cancellationToken).ConfigureAwait(false))
                    {
                        yield break;
                    }

                    block = reader.Current;
                }
                catch (RpcException ex) when (RetryPolicy.IsRetryable(TransportFailure.Normalize(ex)))
                {
                    await retries.BackOffAsync(TransportFailure.Normalize(ex), cancellationToken).ConfigureAwait(false);
                    break;
                }

                retries.Progressed();
                next = block.Block.Header.Height + 1;
                yield return block;
            }
        }
    }

    /// <summary>
    /// Contract events from <paramref name="fromHeight"/> on (of <paramref name="contract"/> only,
    /// or all when empty), resuming after the last event received when the node becomes UNAVAILABLE.
    /// </summary>
    public async IAsyncEnumerable<ContractEvent> StreamEventsAsync(
        ulong fromHeight, string contract = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var height = Math.Max(1, fromHeight);

        // Events of a height always come in the same order, so a resumed stream skips the ones already seen.
        var seenAtHeight = 0;
        var retries = new StreamRetries(this, "StreamEvents");
        while (true)
        {
            using var call = _api.StreamEvents(
                new StreamEventsRequest { FromHeight = height, Contract = contract }, new CallOptions(cancellationToken: cancellationToken));
            var reader = call.ResponseStream;
            var skip = seenAtHeight;
            while (true)
            {
                ContractEvent e;
                try
                {
                    if (!await reader.MoveNext(cancellationToken).ConfigureAwait(false))
                    {
                        yield break;
                    }

                    e = reader.Current;
                }
                catch (RpcException ex) when (RetryPolicy.IsRetryable(TransportFailure.Normalize(ex)))
                {
                    await retries.BackOffAsync(TransportFailure.Normalize(ex), cancellationToken).ConfigureAwait(false);
                    break;
                }

                retries.Progressed();
                if (e.Height == height && skip > 0)
                {
                    skip--;
                    continue;
                }

                if (e.Height != height)
                {
                    height = e.Height;
                    seenAtHeight = 0;
                    skip = 0;
                }

                seenAtHeight++;
                yield return e;
            }
        }
    }

    /// <summary>
    /// The retries of one stream: consecutive failures without a message received, bounded by the
    /// policy's attempts and its retry duration; past either the stream ends with an error naming it.
    /// </summary>
    private sealed class StreamRetries(GovChainClient client, string name)
    {
        private int _failures;
        private long _firstFailure;

        public void Progressed() => _failures = 0;

        public async Task BackOffAsync(RpcException error, CancellationToken cancellationToken)
        {
            var options = client._options;
            var time = options.TimeProvider;
            if (_failures++ == 0)
            {
                _firstFailure = time.GetTimestamp();
            }

            var spent = time.GetElapsedTime(_firstFailure);
            var delay = options.Retry.Delay(_failures, RandomNumberGenerator.GetInt32(1_000_000) / 1_000_000.0);
            if (_failures >= options.Retry.MaxAttempts || spent + delay > options.Retry.MaxRetryDuration)
            {
                throw options.Retry.MaxAttempts == 1 ? error : RetryPolicy.GaveUp(name, _failures, spent, error);
            }

            if (options.OnRetry is { } hook)
            {
                await hook(new RetryAttempt(_failures, error, delay)).ConfigureAwait(false);
            }

            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
