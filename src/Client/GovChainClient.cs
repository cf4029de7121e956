using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Google.Protobuf;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using Grpc.Core;
using Grpc.Net.Client;
using ClientApi = GovChain.Protocol.Client.ClientClient;

namespace GovChain.Client;

/// <summary>
/// A typed client of one GovChain node's client API. Every unary call has a deadline (its own
/// timeout or <see cref="GovChainClientOptions.DefaultTimeout"/>, retries included) and is
/// retried with back-off while the node is UNAVAILABLE; any other refusal surfaces as an
/// <see cref="RpcException"/> carrying the node's status and reason. Thread-safe; create one
/// per node and reuse it.
/// </summary>
public sealed partial class GovChainClient : IDisposable
{
    private readonly GrpcChannel? _ownedChannel;
    private readonly ClientApi _api;
    private readonly GovChainClientOptions _options;

    /// <summary>A client with its own <see cref="GrpcChannel"/> to <paramref name="address"/>, set up from <see cref="GovChainClientOptions.Channel"/>.</summary>
    public GovChainClient(Uri address, GovChainClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        _options = options ?? new GovChainClientOptions();
        _options.Validate();
        _ownedChannel = ChannelFactory.Create(address, _options.Channel);
        _api = new ClientApi(_ownedChannel);
        Address = address;
    }

    /// <summary>A client over a channel the caller owns (and disposes); <see cref="GovChainClientOptions.Channel"/> is not used.</summary>
    public GovChainClient(GrpcChannel channel, GovChainClientOptions? options = null)
        : this(channel?.CreateCallInvoker() ?? throw new ArgumentNullException(nameof(channel)), options)
    {
    }

    /// <summary>
    /// A client over any call invoker the caller owns, for example a channel with interceptors:
    /// <c>new GovChainClient(channel.Intercept(new MyInterceptor()))</c>.
    /// </summary>
    public GovChainClient(CallInvoker callInvoker, GovChainClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(callInvoker);
        _options = options ?? new GovChainClientOptions();
        _options.Validate();
        _api = new ClientApi(callInvoker);
    }

    /// <summary>The node's address when the client made its own channel; null over a caller's channel or invoker.</summary>
    public Uri? Address { get; }

    /// <summary>
    /// The channel <see cref="GovChainClient(Uri, GovChainClientOptions?)"/> would make: TLS pinned to
    /// <see cref="GovChainChannelOptions.TrustedServerCertificates"/>, keep-alive and message limits set. For callers who add
    /// interceptors or share one channel between this client and other stubs; the caller disposes it.
    /// </summary>
    public static GrpcChannel CreateChannel(Uri address, GovChainChannelOptions? options = null) =>
        ChannelFactory.Create(address, options ?? new GovChainChannelOptions());

    public void Dispose() => _ownedChannel?.Dispose();

    /// <summary>Admits <paramref name="transaction"/> to the node's mempool and returns its id.</summary>
    /// <exception cref="RpcException">
    /// INVALID_ARGUMENT (malformed, bad signature, wrong chain, too large), FAILED_PRECONDITION (nonce used, taken or too far ahead),
    /// ALREADY_EXISTS (this very transaction is already pending or committed), RESOURCE_EXHAUSTED (mempool full: retry later).
    /// </exception>
    public async Task<Hash32> SubmitAsync(SignedTransaction transaction, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var id = transaction.Id();
        var request = new SubmitTransactionRequest { Transaction = transaction };
        var retried = false;
        try
        {
            await CallAsync(
                options => _api.SubmitTransactionAsync(request, options).ResponseAsync,
                timeout,
                cancellationToken,
                onRetry: () => retried = true).ConfigureAwait(false);
        }
        catch (RpcException ex) when (retried && ex.StatusCode == StatusCode.AlreadyExists)
        {
            // An earlier attempt reached the node and only its answer was lost.
        }

        return id;
    }

    /// <summary>Waits until the transaction is committed and returns it with its receipt; DEADLINE_EXCEEDED when the timeout passes first.</summary>
    public Task<TransactionResult> WaitForTransactionAsync(Hash32 txId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var request = new GetTransactionRequest { TxId = ToBytes(txId) };
        return CallAsync(o => _api.WaitForTransactionAsync(request, o).ResponseAsync, timeout ?? _options.DefaultWaitTimeout, cancellationToken);
    }

    /// <summary>
    /// Submits and waits for the commit. A transaction the node already holds (pending or
    /// committed) is waited for rather than reported as an error. The receipt's code says
    /// whether the call itself succeeded (0) or failed deterministically.
    /// </summary>
    public async Task<TransactionResult> SubmitAndWaitAsync(SignedTransaction transaction, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var total = timeout ?? _options.DefaultWaitTimeout;
        var started = _options.TimeProvider.GetTimestamp();
        Hash32 id;
        try
        {
            id = await SubmitAsync(transaction, total, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.AlreadyExists)
        {
            id = transaction.Id();
        }

        var left = total - _options.TimeProvider.GetElapsedTime(started);
        if (left <= TimeSpan.Zero)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "the timeout passed before the transaction could be waited for"));
        }

        return await WaitForTransactionAsync(id, left, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Signs the next transaction of <paramref name="signer"/> for <paramref name="call"/>, submits it and waits for its commit.</summary>
    public Task<TransactionResult> ExecuteAsync(TransactionSigner signer, ContractCall call, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signer);
        return SubmitAndWaitAsync(signer.SignNext(call), timeout, cancellationToken);
    }

    /// <summary>A committed transaction with its receipt, or null when the node knows none with this id.</summary>
    public async Task<TransactionResult?> GetTransactionAsync(Hash32 txId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var request = new GetTransactionRequest { TxId = ToBytes(txId) };
        try
        {
            return await CallAsync(o => _api.GetTransactionAsync(request, o).ResponseAsync, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The committed block at <paramref name="height"/> with its certificate and receipts, or null when there is none yet.</summary>
    public Task<CertifiedBlock?> GetBlockAsync(ulong height, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        GetBlockAsync(new GetBlockRequest { Height = height }, timeout, cancellationToken);

    public Task<CertifiedBlock?> GetBlockAsync(Hash32 blockHash, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        GetBlockAsync(new GetBlockRequest { Hash = ToBytes(blockHash) }, timeout, cancellationToken);

    /// <summary>A read-only call against the latest committed state; the answer carries the height it was read at.</summary>
    public Task<QueryResponse> QueryAsync(string contract, string method, IMessage args, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var request = new QueryRequest { Contract = contract, Method = method, Args = args.ToByteString() };
        return CallAsync(o => _api.QueryAsync(request, o).ResponseAsync, timeout, cancellationToken);
    }

    /// <summary>A typed query: <c>await client.QueryAsync(Land.GetParcel("P-1"))</c>.</summary>
    public async Task<QueryAnswer<TResult>> QueryAsync<TResult>(ContractQuery<TResult> query, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where TResult : IMessage<TResult>
    {
        ArgumentNullException.ThrowIfNull(query);
        var response = await QueryAsync(query.Contract, query.Method, query.Args, timeout, cancellationToken).ConfigureAwait(false);
        return new QueryAnswer<TResult>(response.Height, query.ResultParser.ParseFrom(response.Result));
    }

    public Task<NodeStatus> GetStatusAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        CallAsync(o => _api.GetStatusAsync(new GetStatusRequest(), o).ResponseAsync, timeout, cancellationToken);

    /// <summary>
    /// A signer for <paramref name="key"/> whose next nonce is read from the node's latest
    /// state (the node's answer, not a proof: a wrong nonce only gets the transaction refused).
    /// </summary>
    public async Task<TransactionSigner> CreateSignerAsync(Core.Crypto.KeyPair key, string? chainId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        chainId ??= (await GetStatusAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).ChainId;
        var next = await GetNextNonceAsync(key.PublicKeyBytes(), cancellationToken: cancellationToken).ConfigureAwait(false);
        return new TransactionSigner(chainId, key, next);
    }

    /// <summary>The nonce the sender's next transaction must carry, per the latest committed state (pending transactions not counted).</summary>
    public async Task<ulong> GetNextNonceAsync(byte[] sender, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        try
        {
            var proof = await GetStateProofAsync(StateKeys.Nonce(sender), 0, timeout, cancellationToken).ConfigureAwait(false);
            return proof.Proof.Exists && proof.Proof.Value.Length == sizeof(ulong)
                ? System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(proof.Proof.Value.Span) + 1
                : 1;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
        {
            // No block yet: nobody has used a nonce.
            return 1;
        }
    }

    private async Task<CertifiedBlock?> GetBlockAsync(GetBlockRequest request, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await CallAsync(o => _api.GetBlockAsync(request, o).ResponseAsync, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Runs one unary call under one deadline, retrying on UNAVAILABLE with back-off while the
    /// deadline, the attempts and the policy's retry duration allow; then gives up naming the call.
    /// </summary>
    private async Task<T> CallAsync<T>(Func<CallOptions, Task<T>> call, TimeSpan? timeout, CancellationToken cancellationToken, Action? onRetry = null, [CallerMemberName] string name = "")
    {
        var time = _options.TimeProvider;
        var deadline = time.GetUtcNow().UtcDateTime + (timeout ?? _options.DefaultTimeout);
        var policy = _options.Retry;
        long? firstFailure = null;
        for (var attempt = 1; ; attempt++)
        {
            RpcException failure;
            try
            {
                return await TransportFailure.NormalizedAsync(call(new CallOptions(deadline: deadline, cancellationToken: cancellationToken))).ConfigureAwait(false);
            }
            catch (RpcException ex) when (RetryPolicy.IsRetryable(ex) && policy.MaxAttempts > 1)
            {
                failure = ex;
            }

            firstFailure ??= time.GetTimestamp();
            var spent = time.GetElapsedTime(firstFailure.Value);
            var delay = policy.Delay(attempt, RandomNumberGenerator.GetInt32(1_000_000) / 1_000_000.0);
            if (attempt >= policy.MaxAttempts || time.GetUtcNow().UtcDateTime + delay >= deadline || spent + delay > policy.MaxRetryDuration)
            {
                throw RetryPolicy.GaveUp(CallName(name), attempt, spent, failure);
            }

            if (_options.OnRetry is { } hook)
            {
                await hook(new RetryAttempt(attempt, failure, delay)).ConfigureAwait(false);
            }

            onRetry?.Invoke();
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    // "GetStatusAsync" reads as the SDK method the caller used.
    private static string CallName(string member) => member.EndsWith("Async", StringComparison.Ordinal) ? member[..^5] : member;

    internal static ByteString ToBytes(in Hash32 hash) => UnsafeByteOperations.UnsafeWrap(hash.ToArray());
}

/// <summary>The typed answer of a query and the committed height it was read at.</summary>
public sealed record QueryAnswer<TResult>(ulong Height, TResult Value);
