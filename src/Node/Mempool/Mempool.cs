using System.Net;
using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Node.Metrics;
using GovChain.Protocol;

namespace GovChain.Node.Mempool;

/// <summary>
/// Transactions waiting for a block. Every transaction is verified once, here, in parallel
/// across cores, and only after every cheap refusal (size, shape, nonce, sender share, room)
/// has been passed and its place reserved: a flood of bad transactions costs decoding, not
/// verifying. The proposer and the block validator take the verified instances back out by id.
/// Per-sender nonce order is kept; a transaction behind a missing nonce is held apart (few per
/// sender, few in all, dropped after some heights), and executable ones are bounded by what
/// the network can commit within a few blocks, so a full pool refuses with back-pressure
/// instead of growing, and what it admitted commits soon.
/// </summary>
public sealed partial class TransactionPool
{
    /// <summary>Slack on the executable bound for gossip: the peer that sent it already admitted it by its own view of the backlog.</summary>
    private const int PeerSlackFactor = 2;

    private const int MaxPromotedOutbox = 10_000;

    private readonly object _gate = new();
    private readonly MempoolOptions _options;
    private readonly string _chainId;
    private readonly Func<Hash32, ulong> _committedNextNonce;
    private readonly Func<ulong>? _committedHeight;
    private readonly TimeProvider _time;
    private readonly NodeMetrics? _metrics;
    private readonly Dictionary<Hash32, Entry> _byId = [];
    private readonly Dictionary<Hash32, SenderQueue> _bySender = [];
    private readonly LinkedList<Entry> _arrivalOrder = new();
    private readonly LinkedList<Entry> _gappedOrder = new();
    private readonly List<SignedTransaction> _promoted = [];
    private long _bytes;
    private int _ready;
    private long _signatureChecks;
    private int _gappedOfNew;
    private readonly ClientCheckShares _checkShares;

    /// <param name="committedNextNonce">The next nonce each sender must use according to the committed state.</param>
    /// <param name="committedHeight">The last committed height (gapped transactions expire by it); when null the pool counts commits itself.</param>
    /// <param name="time">Only for the retry hint (the interval between commits) and each client address's rate of signature checks; never for what a block holds or what is dropped.</param>
    public TransactionPool(
        MempoolOptions options,
        string chainId,
        Func<Hash32, ulong> committedNextNonce,
        NodeMetrics? metrics = null,
        Func<ulong>? committedHeight = null,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _chainId = chainId;
        _committedNextNonce = committedNextNonce;
        _committedHeight = committedHeight;
        _time = time ?? TimeProvider.System;
        _metrics = metrics;
        _checkShares = new ClientCheckShares(options, _time);
    }

    /// <summary>Transactions per block the network commits now (the proposal budget); the executable bound is a few of these.</summary>
    public Func<int>? BlockBudget { get; set; }

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

    /// <summary>Held transactions that are executable now (the rest wait for a missing nonce).</summary>
    public int ExecutableCount
    {
        get
        {
            lock (_gate)
            {
                return _ready;
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

    /// <summary>Signature verifications this pool has run (each admitted transaction costs one; a cheap refusal none).</summary>
    public long SignatureChecks => Interlocked.Read(ref _signatureChecks);

    /// <summary>Most executable transactions held for clients now.</summary>
    public int ExecutableBound
    {
        get
        {
            var perBlock = BlockBudget?.Invoke() ?? 0;
            if (perBlock <= 0)
            {
                return _options.MaxTransactions;
            }

            return (int)Math.Min(_options.MaxTransactions, (long)perBlock * _options.PendingBlocks);
        }
    }

    public AdmissionResult Add(SignedTransaction tx) => AddBatch([tx])[0];

    /// <summary>
    /// Admits a batch: decodes and checks each transaction cheaply (in parallel), reserves a
    /// place for those that pass (in order, so nonces of one sender within a batch chain
    /// correctly), verifies only the reserved ones (in parallel), then keeps or releases each.
    /// </summary>
    /// <param name="fromPeer">Gossip from a validator that admitted the batch already: it gets slack on the executable bound.</param>
    /// <param name="client">The client address that submitted the batch: its signature checks come out of that address's share.</param>
    public AdmissionResult[] AddBatch(IReadOnlyList<SignedTransaction> batch, bool fromPeer = false, IPAddress? client = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var results = new AdmissionResult[batch.Count];
        var candidates = new Candidate?[batch.Count];
        Parallel.For(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            candidates[i] = Decode(batch[i], out results[i]);
        });

        var reserved = new Entry?[batch.Count];
        var any = false;
        lock (_gate)
        {
            var bound = ExecutableBound;
            for (var i = 0; i < batch.Count; i++)
            {
                if (candidates[i] is { } c)
                {
                    results[i] = Reserve(c, fromPeer, bound, client, out reserved[i]);
                    any |= reserved[i] is not null;
                }
            }
        }

        if (!any)
        {
            return results;
        }

        var verified = new VerifiedTransaction?[batch.Count];
        Parallel.For(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            if (reserved[i] is null)
            {
                return;
            }

            Interlocked.Increment(ref _signatureChecks);
            if (TransactionVerifier.TryVerify(batch[i], _chainId, _options.MaxTxBytes, out var v, out var error, out var reason))
            {
                verified[i] = v;
            }
            else
            {
                results[i] = Refuse(MapError(error), results[i].TxId, reason);
            }
        });

        lock (_gate)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (reserved[i] is not { } entry)
                {
                    continue;
                }

                if (client is not null)
                {
                    _checkShares.Done(client);
                }

                if (verified[i] is { } v)
                {
                    results[i] = Confirm(entry, v);
                }
                else
                {
                    Release(entry);
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

    /// <summary>
    /// Transactions that became executable here after they were admitted (their missing nonce
    /// arrived or committed), for gossip: admission gossips only what is executable at once.
    /// </summary>
    public IReadOnlyList<SignedTransaction> TakePromoted()
    {
        lock (_gate)
        {
            if (_promoted.Count == 0)
            {
                return [];
            }

            var taken = _promoted.ToArray();
            _promoted.Clear();
            return taken;
        }
    }

    /// <summary>
    /// Stateless checks of one transaction, before any state or signature: size, canonical
    /// encoding, body shape. Returns what the reservation needs, or null with the refusal.
    /// </summary>
    private Candidate? Decode(SignedTransaction tx, out AdmissionResult refusal)
    {
        refusal = default;
        var size = tx.CalculateSize();
        if (size > _options.MaxTxBytes)
        {
            refusal = Refuse(AdmissionCode.TooLarge, default, $"transaction is {size} bytes, the limit is {_options.MaxTxBytes}");
            return null;
        }

        var id = tx.Id();
        if (size != CanonicalSize(tx))
        {
            // Fields beyond body and signature are covered by no signature: what is held, gossiped and stored is exactly what was signed.
            refusal = Refuse(AdmissionCode.Malformed, id, "transaction carries fields beyond its body and signature");
            return null;
        }

        if (!TransactionCodec.TryParseBody(tx.Body, out var body, out var reason))
        {
            refusal = Refuse(AdmissionCode.Malformed, id, reason);
            return null;
        }

        if (!string.Equals(body!.ChainId, _chainId, StringComparison.Ordinal))
        {
            refusal = Refuse(AdmissionCode.WrongChain, id, $"transaction is for another chain, this is '{_chainId}'");
            return null;
        }

        if (body.Sender.Length != Ed25519.PublicKeySize || tx.Signature.Length != Ed25519.SignatureSize
            || body.Contract.Length == 0 || body.Method.Length == 0)
        {
            refusal = Refuse(AdmissionCode.Malformed, id, "transaction needs a 32-byte sender key, a 64-byte signature and a contract and method");
            return null;
        }

        return new Candidate(id, new Hash32(body.Sender.Span), body.Nonce, size, tx);
    }

    /// <summary>The encoded size of a <see cref="SignedTransaction"/> holding only its body and signature.</summary>
    public static int CanonicalSize(SignedTransaction tx)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return (tx.Body.Length == 0 ? 0 : 1 + CodedOutputStream.ComputeBytesSize(tx.Body))
            + (tx.Signature.Length == 0 ? 0 : 1 + CodedOutputStream.ComputeBytesSize(tx.Signature));
    }

    private static AdmissionCode MapError(TransactionError error) => error switch
    {
        TransactionError.TooLarge => AdmissionCode.TooLarge,
        TransactionError.WrongChain => AdmissionCode.WrongChain,
        TransactionError.BadSignature => AdmissionCode.BadSignature,
        TransactionError.ZeroNonce => AdmissionCode.NonceTooLow,
        _ => AdmissionCode.Malformed,
    };

    private AdmissionResult Refuse(AdmissionCode code, Hash32 id, string reason, int retryAfterMs = 0)
    {
        _metrics?.MempoolRejected.Add(1, new KeyValuePair<string, object?>("reason", code.ToString()));
        return new AdmissionResult(code, id, reason) { RetryAfterMs = retryAfterMs };
    }

    private readonly record struct Candidate(Hash32 Id, Hash32 Sender, ulong Nonce, int Size, SignedTransaction Signed);

    /// <summary>One held transaction; <see cref="Tx"/> is null while its signature is being checked.</summary>
    private sealed class Entry(Candidate c, ulong height)
    {
        public Hash32 Id { get; } = c.Id;

        public Hash32 Sender { get; } = c.Sender;

        public ulong Nonce { get; } = c.Nonce;

        public int Size { get; } = c.Size;

        public SignedTransaction Signed { get; } = c.Signed;

        public VerifiedTransaction? Tx { get; set; }

        /// <summary>Executable: every nonce of its sender before it is committed or held here.</summary>
        public bool Ready { get; set; }

        /// <summary>The height from which a gapped entry's time to live counts.</summary>
        public ulong GappedSince { get; set; } = height;

        public LinkedListNode<Entry>? Node { get; set; }

        public LinkedListNode<Entry>? GapNode { get; set; }

        /// <summary>Its sender had committed nothing when it was admitted: while it waits, it takes from the new senders' small share.</summary>
        public bool OfNewSender { get; init; }
    }

    /// <summary>One sender's held transactions by nonce, classified against the committed next nonce <see cref="Base"/>.</summary>
    private sealed class SenderQueue
    {
        public SortedList<ulong, Entry> ByNonce { get; } = [];

        /// <summary>The committed next nonce the classification was made against.</summary>
        public ulong Base { get; set; }

        /// <summary>The first nonce from <see cref="Base"/> on that is not held: what the sender must send to extend its executable run.</summary>
        public ulong NextGap { get; set; }

        public int Gapped { get; set; }
    }
}
