using GovChain.Core.Crypto;
using GovChain.Protocol;

namespace GovChain.Client;

/// <summary>
/// Signs transactions of one key for one chain, numbering them with consecutive nonces.
/// Thread-safe: concurrent <see cref="SignNext"/> calls get distinct nonces.
/// </summary>
public sealed class TransactionSigner
{
    private readonly KeyPair _key;
    private long _nextNonce;

    public TransactionSigner(string chainId, KeyPair key, ulong nextNonce = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(chainId);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfZero(nextNonce);
        ChainId = chainId;
        _key = key;
        _nextNonce = (long)nextNonce;
    }

    public string ChainId { get; }

    public ReadOnlySpan<byte> PublicKey => _key.PublicKey;

    /// <summary>The nonce the next <see cref="SignNext"/> will use.</summary>
    public ulong NextNonce => (ulong)Interlocked.Read(ref _nextNonce);

    /// <summary>Starts numbering again from <paramref name="nextNonce"/> (after a refusal, or a resync with the node).</summary>
    public void ResetNonce(ulong nextNonce)
    {
        ArgumentOutOfRangeException.ThrowIfZero(nextNonce);
        Interlocked.Exchange(ref _nextNonce, (long)nextNonce);
    }

    public SignedTransaction Sign(ContractCall call, ulong nonce, ulong maxSteps = 0, string memo = "")
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.Sign(ChainId, _key, nonce, maxSteps, memo);
    }

    /// <summary>Signs <paramref name="call"/> with the next nonce and advances it.</summary>
    public SignedTransaction SignNext(ContractCall call, ulong maxSteps = 0, string memo = "")
    {
        var nonce = (ulong)Interlocked.Increment(ref _nextNonce) - 1;
        return Sign(call, nonce, maxSteps, memo);
    }
}
