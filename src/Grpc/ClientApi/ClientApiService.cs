using System.Net;
using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Grpc.Server;
using GovChain.Node.Chain;
using GovChain.Node.Mempool;
using GovChain.Node.Metrics;
using GovChain.Protocol;
using GovChain.Storage;
using GovChain.Storage.Blocks;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovChain.Grpc.ClientApi;

/// <summary>
/// The <c>govchain.v1.Client</c> service: what other agencies, the SDK and the CLI call. It
/// reads committed data from the node database, admits transactions through the mempool,
/// and follows commits through the <see cref="ICommitFeed"/>. Every bad request ends its own
/// call with a status and a reason; nothing a client sends stops the server.
/// </summary>
public sealed partial class ClientApiService : Client.ClientBase
{
    private readonly NodeDatabase _db;
    private readonly TransactionPool _pool;
    private readonly ContractEngine _engine;
    private readonly ICommitFeed _feed;
    private readonly INodeStatusSource _status;
    private readonly Action<IReadOnlyList<SignedTransaction>>? _gossip;

    // The node's own submit path when hosted in a node (admission, latency clock, proposer wake-up, gossip).
    private readonly Func<IReadOnlyList<SignedTransaction>, IPAddress?, AdmissionResult[]>? _admit;
    private readonly ClientApiOptions _options;
    private readonly ILogger _logger;
    private readonly ClientApiMetrics? _metrics;
    private readonly ClientQuota _streams;
    private readonly ClientQuota _waiters;

    /// <param name="gossip">Receives each admitted transaction for the peers (e.g. <c>IPeerNetwork.Gossip</c>); null on a single node.</param>
    /// <param name="metrics">The node's metrics; the API's instruments are added to its meter. Null for none.</param>
    public ClientApiService(
        NodeDatabase database,
        TransactionPool pool,
        ContractEngine engine,
        ICommitFeed commitFeed,
        INodeStatusSource status,
        GenesisDocument genesis,
        Action<IReadOnlyList<SignedTransaction>>? gossip = null,
        ClientApiOptions? options = null,
        NodeMetrics? metrics = null,
        ILogger<ClientApiService>? logger = null,
        Func<IReadOnlyList<SignedTransaction>, IPAddress?, AdmissionResult[]>? admit = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(commitFeed);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(genesis);
        _options = options ?? new ClientApiOptions();
        _options.Validate();
        _db = database;
        _pool = pool;
        _engine = engine;
        _feed = commitFeed;
        _status = status;
        _gossip = gossip;
        _admit = admit;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = metrics is null ? null : new ClientApiMetrics(metrics.Meter);
        _streams = new ClientQuota("streams", "streams", _options.MaxConcurrentStreams, _options.MaxStreamsPerClient);
        _waiters = new ClientQuota("waiters", "commit waits", _options.MaxConcurrentWaiters, _options.MaxWaitersPerClient);
        _validatorSets = new ValidatorSetResolver(database, engine, genesis, _options.ValidatorSetCacheSize);
        _hops = new ValidatorSetHopIndex(database, _validatorSets);
    }

    public override Task<SubmitTransactionResponse> SubmitTransaction(SubmitTransactionRequest request, ServerCallContext context)
    {
        var tx = request.Transaction ?? throw RpcErrors.Of(StatusCode.InvalidArgument, "the request carries no transaction");
        // The caller's address pays for the signature check out of its own share.
        var client = context.RemoteIpAddress() ?? IPAddress.None;
        var result = _admit is null ? _pool.AddBatch([tx], fromPeer: false, client)[0] : _admit([tx], client)[0];
        _metrics?.Submitted(result.Code);
        if (!result.IsAdmitted)
        {
            // A replay of a transaction that is already committed is the same transaction, not a nonce clash.
            if (result.Code == AdmissionCode.NonceTooLow && _db.Blocks.GetTransaction(result.TxId) is { } committed)
            {
                result = new AdmissionResult(AdmissionCode.AlreadyKnown, result.TxId, $"transaction is already committed at height {committed.Height}");
            }

            LogRefused(_logger, result.TxId.ToShortString(), result.Code, result.Reason);
            throw AdmissionStatus.ToException(result);
        }

        if (_admit is null)
        {
            _gossip?.Invoke([tx]);
        }

        return Task.FromResult(new SubmitTransactionResponse { TxId = ToBytes(result.TxId) });
    }

    public override async Task<TransactionResult> WaitForTransaction(GetTransactionRequest request, ServerCallContext context)
    {
        var id = ParseTxId(request.TxId);
        if (Lookup(id) is { } done)
        {
            return done;
        }

        ThrowIfDropped(id);
        using var slot = _waiters.Take(context.RemoteIpAddress());
        _metrics?.WaitStarted();

        // The caller's deadline cancels the context's token; MaxWait bounds callers that set none.
        using var cap = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        cap.CancelAfter(_options.MaxWait);
        try
        {
            await _feed.WaitForTransactionAsync(id, cap.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            ThrowIfDropped(id);
            throw RpcErrors.Of(StatusCode.DeadlineExceeded, $"transaction {id.ToShortString()} was not committed within {_options.MaxWait.TotalSeconds:F0} s");
        }
        finally
        {
            _metrics?.WaitEnded();
        }

        return Lookup(id) ?? throw RpcErrors.Of(StatusCode.Internal, $"transaction {id.ToShortString()} was reported committed but is not in the store");
    }

    public override Task<TransactionResult> GetTransaction(GetTransactionRequest request, ServerCallContext context)
    {
        var id = ParseTxId(request.TxId);
        if (Lookup(id) is { } done)
        {
            return Task.FromResult(done);
        }

        ThrowIfDropped(id);
        throw RpcErrors.Of(StatusCode.NotFound, $"no committed transaction {id}");
    }

    /// <summary>An admitted transaction the mempool dropped (it waited too long for a missing nonce, or was displaced) is told as such, not waited for.</summary>
    private void ThrowIfDropped(in Hash32 id)
    {
        if (_pool.TryGetDropped(id, out var reason))
        {
            throw RpcErrors.Of(StatusCode.NotFound, $"transaction {id.ToShortString()} was dropped from the mempool without committing: {reason}");
        }
    }

    public override Task<CertifiedBlock> GetBlock(GetBlockRequest request, ServerCallContext context)
    {
        StoredBlock? stored = request.SelectorCase switch
        {
            GetBlockRequest.SelectorOneofCase.Height => _db.Blocks.GetBlock(request.Height),
            GetBlockRequest.SelectorOneofCase.Hash => Hash32.TryFrom(request.Hash.Span, out var hash)
                ? _db.Blocks.GetBlock(hash)
                : throw RpcErrors.Of(StatusCode.InvalidArgument, $"a block hash is 32 bytes, not {request.Hash.Length}"),
            _ => throw RpcErrors.Of(StatusCode.InvalidArgument, "give a height or a hash"),
        };
        if (stored is null)
        {
            throw RpcErrors.Of(StatusCode.NotFound, request.SelectorCase == GetBlockRequest.SelectorOneofCase.Height
                ? $"no committed block at height {request.Height} (the last is {_db.Blocks.LastHeight})"
                : "no committed block with this hash");
        }

        return Task.FromResult(ToCertified(stored));
    }

    public override Task<NodeStatus> GetStatus(GetStatusRequest request, ServerCallContext context) =>
        Task.FromResult(_status.GetStatus());

    public override Task<QueryResponse> Query(QueryRequest request, ServerCallContext context)
    {
        if (request.Contract.Length is 0 || request.Contract.Length > _options.MaxMethodNameLength
            || request.Method.Length is 0 || request.Method.Length > _options.MaxMethodNameLength)
        {
            throw RpcErrors.Of(StatusCode.InvalidArgument, $"contract and method must be 1 to {_options.MaxMethodNameLength} characters");
        }

        // One height read, one reader at it: the answer and the height it reports always agree.
        var height = _db.State.Height;
        var result = _engine.Query(_db.State.At(height), request.Contract, request.Method, request.Args);
        if (!result.IsSuccess)
        {
            var trailers = new Metadata { { QueryStatus.ResultCodeTrailer, ((uint)result.Code).ToString(System.Globalization.CultureInfo.InvariantCulture) } };
            throw new RpcException(new Status(QueryStatus.ToStatusCode(result.Code), result.Message), trailers);
        }

        return Task.FromResult(new QueryResponse { Height = height, Result = result.Result });
    }

    private TransactionResult? Lookup(in Hash32 id)
    {
        var stored = _db.Blocks.GetTransaction(id);
        if (stored is null)
        {
            return null;
        }

        return new TransactionResult
        {
            Transaction = stored.Transaction,
            Receipt = stored.Receipt,
            Height = stored.Height,
            Index = stored.Index,
            BlockHash = _db.Blocks.GetBlockHash(stored.Height) is { } hash ? ToBytes(hash) : ByteString.Empty,
        };
    }

    private CertifiedBlock ToCertified(StoredBlock stored)
    {
        var certified = new CertifiedBlock { Block = stored.Block, Certificate = stored.Certificate };
        if (_db.Blocks.GetReceipts(stored.Height) is { } receipts)
        {
            certified.Receipts.AddRange(receipts);
        }

        return certified;
    }

    private static Hash32 ParseTxId(ByteString bytes) =>
        Hash32.TryFrom(bytes.Span, out var id)
            ? id
            : throw RpcErrors.Of(StatusCode.InvalidArgument, $"a transaction id is 32 bytes, not {bytes.Length}");

    private static ByteString ToBytes(in Hash32 hash) => UnsafeByteOperations.UnsafeWrap(hash.ToArray());

    [LoggerMessage(EventId = 7300, Level = LogLevel.Debug, Message = "Refused transaction {TxId}: {Code} ({Reason})")]
    private static partial void LogRefused(ILogger logger, string txId, AdmissionCode code, string reason);
}
