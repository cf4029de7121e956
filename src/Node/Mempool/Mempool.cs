using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Node.Metrics;
using GovChain.Protocol;

namespace GovChain.Node.Mempool;

/// <summary>
/// Transactions waiting for a block. Every transaction is verified once, here, in parallel
/// across cores; the proposer and the block validator take the verified instances back out by
/// id, so no signature is checked twice on a node. Per-sender nonce order is kept, and every
/// dimension is bounded: a full pool refuses with back-pressure instead of growing.
/// </summary>
public sealed partial class TransactionPool
{
    private readonly object _gate = new();
    private readonly MempoolOptions _options;
    private readonly string _chainId;
    private readonly Func<Hash32, ulong> _committedNextNonce;
    private readonly NodeMetrics? _metrics;
    private readonly Dictionary<Hash32, Entry> _byId = [];
    private readonly Dictionary<Hash32, SortedList<ulong, Entry>> _bySender = [];
    private readonly LinkedList<Entry> _arrivalOrder = new();
    private long _bytes;

    /// <param name="committedNextNonce">The next nonce each sender must use according to the committed state.</param>
    public TransactionPool(MempoolOptions options, string chainId, Func<Hash32, ulong> committedNextNonce, NodeMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _chainId = chainId;
        _committedNextNonce = committedNextNonce;
        _metrics = metrics;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byId.Count;
            }
        }
    }

    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    public AdmissionResult Add(SignedTransaction tx) => AddBatch([tx])[0];

    /// <summary>
    /// Verifies the batch in parallel (skipping transactions already held), then admits in
    /// order, so nonces of one sender within a batch chain correctly.
    /// </summary>
    public AdmissionResult[] AddBatch(IReadOnlyList<SignedTransaction> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var results = new AdmissionResult[batch.Count];
        var verified = new VerifiedTransaction?[batch.Count];

        Parallel.For(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var tx = batch[i];
            var size = tx.CalculateSize();
            if (size > _options.MaxTxBytes)
            {
                results[i] = Refuse(AdmissionCode.TooLarge, default, $"transaction is {size} bytes, the limit is {_options.MaxTxBytes}");
                return;
            }

            var id = tx.Id();
            if (Contains(id))
            {
                results[i] = Refuse(AdmissionCode.AlreadyKnown, id, "transaction is already in the mempool");
                return;
            }

            if (!TransactionVerifier.TryVerify(tx, _chainId, _options.MaxTxBytes, out var v, out var error, out var reason))
            {
                results[i] = Refuse(MapError(error), id, reason);
                return;
            }

            verified[i] = v;
        });

        lock (_gate)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (verified[i] is { } v)
                {
                    results[i] = Insert(v);
                }
            }
        }

        return results;
    }

    public bool Contains(in Hash32 id)
    {
        lock (_gate)
        {
            return _byId.ContainsKey(id);
        }
    }

    /// <summary>The verified instance of a held transaction, so a proposal's signatures need no second check.</summary>
    public bool TryGetVerified(in Hash32 id, out VerifiedTransaction? tx)
    {
        lock (_gate)
        {
            tx = _byId.TryGetValue(id, out var e) ? e.Tx : null;
            return tx is not null;
        }
    }

    private static AdmissionCode MapError(TransactionError error) => error switch
    {
        TransactionError.TooLarge => AdmissionCode.TooLarge,
        TransactionError.WrongChain => AdmissionCode.WrongChain,
        TransactionError.BadSignature => AdmissionCode.BadSignature,
        TransactionError.ZeroNonce => AdmissionCode.NonceTooLow,
        _ => AdmissionCode.Malformed,
    };

    private AdmissionResult Refuse(AdmissionCode code, Hash32 id, string reason)
    {
        _metrics?.MempoolRejected.Add(1, new KeyValuePair<string, object?>("reason", code.ToString()));
        return new AdmissionResult(code, id, reason);
    }

    private sealed class Entry(VerifiedTransaction tx)
    {
        public VerifiedTransaction Tx { get; } = tx;

        public int Size { get; } = tx.Size;

        public LinkedListNode<Entry>? Node { get; set; }
    }
}
