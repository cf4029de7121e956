using GovChain.Contracts.Engine;
using GovChain.Core.Genesis;
using GovChain.Node.Chain;
using GovChain.Node.Configuration;

namespace GovChain.Node.Hosting;

/// <summary>
/// The one figure every message carrying a committed block is sized from: the largest block
/// the chain's rules allow, with its certificate and its receipts (which the engine bounds).
/// The client API's GetBlock and streams, block sync over the peer API and the commit feed all
/// carry such a block, so their send and receive caps are at least this.
/// </summary>
public static class CertifiedBlockBound
{
    /// <summary>Above this a chain's block limits make messages no node should buffer; such a genesis is refused.</summary>
    public const int MaxBytes = 512 * 1024 * 1024;

    // A commit certificate: one signature entry (key, signature, fields) per validator, of at most
    // 128 departments, well inside this; the rest is the CertifiedBlock's own field framing.
    private const int CertificateAndFramingBytes = 128 * 1024;

    /// <summary>The chain's max_block_bytes, or the default when genesis leaves it at zero.</summary>
    public static long MaxBlockBytes(GenesisDocument genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        return genesis.Proto.Consensus is { MaxBlockBytes: > 0 } p ? p.MaxBlockBytes : BlockExecutor.DefaultMaxBlockBytes;
    }

    /// <summary>The chain's max_block_txs, or the default when genesis leaves it at zero.</summary>
    public static int MaxBlockTxs(GenesisDocument genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        return genesis.Proto.Consensus is { MaxBlockTxs: > 0 } p ? (int)Math.Min(p.MaxBlockTxs, int.MaxValue) : BlockExecutor.DefaultMaxBlockTxs;
    }

    /// <summary>The engine limits of the chain: its receipts may take at most as many bytes as its block.</summary>
    public static EngineOptions EngineOptions(GenesisDocument genesis) =>
        Contracts.Engine.EngineOptions.Default with { MaxReceiptBytesPerBlock = (int)Math.Min(MaxBlockBytes(genesis), int.MaxValue) };

    /// <summary>Bytes of the largest certified block with receipts this chain can produce, encoded.</summary>
    public static int Bytes(GenesisDocument genesis)
    {
        var total = MaxBlockBytes(genesis) + EngineOptions(genesis).MaxReceiptsBytes(MaxBlockTxs(genesis)) + CertificateAndFramingBytes;
        if (total > MaxBytes)
        {
            throw new NodeConfigurationException(
                $"GenesisFile: max_block_bytes {MaxBlockBytes(genesis)} and max_block_txs {MaxBlockTxs(genesis)} allow a block with receipts of {total} bytes; at most {MaxBytes} can be carried.");
        }

        return (int)total;
    }
}
