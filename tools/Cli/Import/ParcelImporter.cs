using System.Globalization;
using GovChain.Client;
using GovChain.Client.Registries;
using GovChain.Client.Verification;
using GovChain.Contracts.Engine;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using GovChain.Protocol.Land;
using Grpc.Core;

namespace GovChain.Cli.Import;

/// <summary>How hard the importer pushes: rows per batch and batches awaiting their commit at once.</summary>
internal sealed record ImportOptions(int BatchSize = 100, int MaxBatchesInFlight = 4)
{
    /// <summary>A node holds at most this many pending transactions of one sender (its mempool's per-sender bound).</summary>
    public const int MaxPendingPerSender = 1_000;

    /// <summary>Parallel existence queries per batch.</summary>
    public const int QueryParallelism = 8;

    /// <summary>Nonce resynchronisations a run may do before it gives up (another program signing with the same key).</summary>
    public const int MaxResyncs = 10;

    public static readonly TimeSpan ResyncBound = TimeSpan.FromSeconds(30);

    /// <summary>How long a transaction refused for a full mempool is retried before the run stops.</summary>
    public static readonly TimeSpan BackPressureBound = TimeSpan.FromSeconds(60);

    public void Validate()
    {
        if (BatchSize is < 1 or > 500)
        {
            throw new ArgumentException("--batch-size must be 1 to 500");
        }

        if (MaxBatchesInFlight is < 1 or > 16)
        {
            throw new ArgumentException("--concurrency must be 1 to 16");
        }

        if (BatchSize * MaxBatchesInFlight > MaxPendingPerSender)
        {
            throw new ArgumentException($"--batch-size × --concurrency may not exceed {MaxPendingPerSender}, the pending transactions a node holds per sender");
        }
    }
}

/// <summary>
/// Registers parcels with one registrar key: each batch is first looked up on chain (a parcel
/// already there is counted, never registered twice; with a genesis, the answer is a checked
/// state proof), the rest signed with consecutive nonces
/// and submitted in nonce order, then their commits awaited while later batches go out. A nonce
/// conflict (another run or program signing with the same key) is resolved by waiting for the
/// chain, re-reading the nonce and looking the parcel up again.
/// </summary>
internal sealed class ParcelImporter
{
    private readonly GovChainClient _client;
    private readonly TransactionSigner _signer;
    private readonly ImportOptions _options;
    private readonly Action<int> _advance;
    private readonly byte[] _sender;
    private readonly ProofVerifier? _verifier;
    private readonly Lock _gate = new();
    private readonly List<RejectedRow> _rejected = [];
    private int _registered;
    private int _alreadyPresent;
    private int _resyncs;

    /// <param name="advance">Called with a number of rows settled (registered, present or rejected); from any thread.</param>
    /// <param name="verifier">
    /// When given, every look-up answer is checked as a state proof against the trusted genesis, so a
    /// node cannot make the import skip a parcel by claiming it is already registered.
    /// </param>
    public ParcelImporter(GovChainClient client, TransactionSigner signer, ImportOptions options, Action<int> advance, ProofVerifier? verifier = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(advance);
        options.Validate();
        _client = client;
        _signer = signer;
        _options = options;
        _advance = advance;
        _sender = signer.PublicKey.ToArray();
        _verifier = verifier;
    }

    public int Registered => Volatile.Read(ref _registered);

    public int AlreadyPresent => Volatile.Read(ref _alreadyPresent);

    /// <summary>Rows refused against the chain: already registered with other data, or refused by the node or the land contract.</summary>
    public IReadOnlyList<RejectedRow> RejectedOnChain
    {
        get
        {
            lock (_gate)
            {
                return [.. _rejected];
            }
        }
    }

    /// <summary>Settles every row; an RPC failure (node gone, commit not seen in time) ends the run with what was settled kept.</summary>
    public async Task RunAsync(IReadOnlyList<ParcelRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var inFlight = new List<Task>(_options.MaxBatchesInFlight);
        try
        {
            foreach (var chunk in rows.Chunk(_options.BatchSize))
            {
                var fresh = await NotYetRegisteredAsync(chunk, cancellationToken).ConfigureAwait(false);
                var submitted = new List<(ParcelRow Row, Hash32 TxId)>(fresh.Count);
                foreach (var row in fresh)
                {
                    await SubmitAsync(row, submitted, inFlight, cancellationToken).ConfigureAwait(false);
                }

                if (submitted.Count > 0)
                {
                    inFlight.Add(SettleAsync(submitted, cancellationToken));
                }

                while (inFlight.Count >= _options.MaxBatchesInFlight)
                {
                    var done = await Task.WhenAny(inFlight).ConfigureAwait(false);
                    inFlight.Remove(done);
                    await done.ConfigureAwait(false);
                }
            }
        }
        finally
        {
            // Whatever ended the run, what was submitted is still settled (or its failure observed) before the summary.
            await Task.WhenAll(inFlight.Select(t => t.ContinueWith(static _ => { }, TaskScheduler.Default))).ConfigureAwait(false);
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }

    /// <summary>Looks each parcel up on chain; counts those found and returns the rest in file order.</summary>
    private async Task<List<ParcelRow>> NotYetRegisteredAsync(IReadOnlyList<ParcelRow> chunk, CancellationToken cancellationToken)
    {
        var found = new Parcel?[chunk.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, chunk.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ImportOptions.QueryParallelism, CancellationToken = cancellationToken },
            async (i, ct) => found[i] = await OnChainAsync(chunk[i].ParcelId, ct).ConfigureAwait(false)).ConfigureAwait(false);

        var fresh = new List<ParcelRow>(chunk.Count);
        for (var i = 0; i < chunk.Count; i++)
        {
            if (found[i] is { } parcel)
            {
                SettlePresent(chunk[i], parcel);
            }
            else
            {
                fresh.Add(chunk[i]);
            }
        }

        return fresh;
    }

    private async Task<Parcel?> OnChainAsync(string parcelId, CancellationToken cancellationToken)
    {
        try
        {
            var key = StateKeys.Parcel(parcelId);
            var answer = await _client.GetStateProofAsync(key, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (_verifier?.VerifyState(answer, key) is { IsProven: false } check)
            {
                throw new InvalidDataException($"the node's answer about parcel '{parcelId}' does not verify against the genesis: {check.Problem}");
            }

            return answer.Proof is { Exists: true } proof ? Parcel.Parser.ParseFrom(proof.Value) : null;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
        {
            // No block committed yet: nothing is registered.
            return null;
        }
    }

    /// <summary>
    /// A parcel on chain is this row's when what never changes after registration (area, location,
    /// description hash) matches; the owner may differ, since a transfer changes it.
    /// </summary>
    private void SettlePresent(ParcelRow row, Parcel parcel)
    {
        if (parcel.AreaM2 == row.AreaM2 && parcel.Location == row.Location && parcel.DescriptionHash.Span.SequenceEqual(row.DescriptionHash))
        {
            Interlocked.Increment(ref _alreadyPresent);
        }
        else
        {
            Reject(row, string.Create(
                CultureInfo.InvariantCulture,
                $"parcel '{row.ParcelId}' is already registered (at height {parcel.RegisteredHeight}) with a different area, location or title/description"));
        }

        _advance(1);
    }

    private async Task SubmitAsync(ParcelRow row, List<(ParcelRow Row, Hash32 TxId)> submitted, List<Task> inFlight, CancellationToken cancellationToken)
    {
        var call = LandRegistry.RegisterParcel(row.ParcelId, row.Owner, row.DescriptionHash, row.AreaM2, row.Location);
        var backPressureSince = (DateTime?)null;
        while (true)
        {
            var nonce = _signer.NextNonce;
            var tx = _signer.Sign(call, nonce);
            try
            {
                await _client.SubmitAsync(tx, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.AlreadyExists)
            {
                // This very transaction is already pending or committed: wait for it like our own.
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
            {
                backPressureSince ??= DateTime.UtcNow;
                if (DateTime.UtcNow - backPressureSince > ImportOptions.BackPressureBound)
                {
                    throw;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
            {
                Reject(row, "the node refused the transaction: " + ex.Status.Detail);
                _advance(1);
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
            {
                await ResyncAsync(nonce, submitted, inFlight, cancellationToken).ConfigureAwait(false);

                if (await OnChainAsync(row.ParcelId, cancellationToken).ConfigureAwait(false) is { } parcel)
                {
                    // The conflicting transaction was a registration of this very parcel (an earlier, interrupted run).
                    SettlePresent(row, parcel);
                    return;
                }

                continue;
            }

            _signer.ResetNonce(nonce + 1);
            submitted.Add((row, tx.Id()));
            return;
        }
    }

    /// <summary>
    /// After a nonce refusal: settles everything in flight, waits (bounded) until the chain has
    /// consumed the contested nonce, and continues from the node's next nonce.
    /// </summary>
    private async Task ResyncAsync(ulong refusedNonce, List<(ParcelRow Row, Hash32 TxId)> submitted, List<Task> inFlight, CancellationToken cancellationToken)
    {
        if (++_resyncs > ImportOptions.MaxResyncs)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "the registrar key's nonce keeps changing under the import; is another program signing with the same key?"));
        }

        if (submitted.Count > 0)
        {
            inFlight.Add(SettleAsync([.. submitted], cancellationToken));
            submitted.Clear();
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
        inFlight.Clear();

        var deadline = DateTime.UtcNow + ImportOptions.ResyncBound;
        var next = await _client.GetNextNonceAsync(_sender, cancellationToken: cancellationToken).ConfigureAwait(false);
        while (next <= refusedNonce && next == _signer.NextNonce && DateTime.UtcNow < deadline)
        {
            // The contested nonce belongs to a transaction still pending: wait for its block.
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            next = await _client.GetNextNonceAsync(_sender, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        _signer.ResetNonce(next);
    }

    private async Task SettleAsync(IReadOnlyList<(ParcelRow Row, Hash32 TxId)> batch, CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(batch.Select(b => _client.WaitForTransactionAsync(b.TxId, cancellationToken: cancellationToken))).ConfigureAwait(false);
        for (var i = 0; i < batch.Count; i++)
        {
            var receipt = results[i].Receipt;
            var code = receipt?.Code ?? uint.MaxValue;
            if (code == (uint)ResultCode.Ok)
            {
                Interlocked.Increment(ref _registered);
            }
            else if (code == (uint)ResultCode.AlreadyExists)
            {
                // Registered by someone else between our look-up and our block.
                Interlocked.Increment(ref _alreadyPresent);
            }
            else
            {
                Reject(batch[i].Row, string.Create(CultureInfo.InvariantCulture, $"the land contract refused it ({CodeName(code)}): {receipt?.Message}"));
            }
        }

        _advance(batch.Count);
    }

    private void Reject(ParcelRow row, string reason)
    {
        lock (_gate)
        {
            _rejected.Add(new RejectedRow(row.Line, row.ParcelId, reason));
        }
    }

    private static string CodeName(uint code) => Enum.IsDefined(typeof(ResultCode), code)
        ? ((ResultCode)code).ToString()
        : "code " + code.ToString(CultureInfo.InvariantCulture);
}
