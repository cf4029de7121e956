using System.Collections.Concurrent;
using GovChain.Core.Hashing;
using GovChain.Node.Mempool;
using GovChain.Node.Network;
using GovChain.Protocol;

namespace GovChain.Node.Tests.Network;

/// <summary>A node stand-in that records what its peers send and serves blocks from a dictionary.</summary>
internal sealed class FakePeerHandler : IPeerHandler
{
    private long _height;

    public ConcurrentQueue<(Hash32 From, ConsensusMessage Message)> Messages { get; } = new();

    public ConcurrentQueue<(Hash32 From, int Count)> GossipBatches { get; } = new();

    public ConcurrentQueue<SignedTransaction> Transactions { get; } = new();

    public ConcurrentDictionary<Hash32, ulong> PeerHeights { get; } = new();

    public ConcurrentDictionary<ulong, CertifiedBlock> Blocks { get; } = new();

    /// <summary>When set, ReadBlocks fails (a peer whose storage errs).</summary>
    public bool FailReads { get; set; }

    /// <summary>When set, ReadBlocks serves blocks whose heights are off by one (a faulty peer).</summary>
    public bool ServeWrongHeights { get; set; }

    public ulong Height
    {
        get => (ulong)Interlocked.Read(ref _height);
        set => Interlocked.Exchange(ref _height, (long)value);
    }

    /// <summary>When set, the first consensus message blocks until the gate opens (a node that stops reading).</summary>
    public ManualResetEventSlim? Blocking { get; set; }

    public void OnConsensusMessage(Hash32 fromValidator, ConsensusMessage message)
    {
        Messages.Enqueue((fromValidator, message));
        Blocking?.Wait(TestWait.Bound);
    }

    /// <summary>Admits every transaction except those whose memo asks for a refusal, so the tests can tell outcomes apart.</summary>
    public AdmissionResult[] OnTransactions(Hash32 fromValidator, IReadOnlyList<SignedTransaction> transactions)
    {
        GossipBatches.Enqueue((fromValidator, transactions.Count));
        var results = new AdmissionResult[transactions.Count];
        for (var i = 0; i < transactions.Count; i++)
        {
            var tx = transactions[i];
            Transactions.Enqueue(tx);
            var body = TransactionBody.Parser.ParseFrom(tx.Body);
            var id = Hashes.Tagged(HashDomain.TransactionId, tx.Body.Span);
            results[i] = body.Memo == "refuse"
                ? new AdmissionResult(AdmissionCode.NonceTaken, id, "nonce already taken")
                : new AdmissionResult(AdmissionCode.Admitted, id, string.Empty);
        }

        return results;
    }

    public IEnumerable<CertifiedBlock> ReadBlocks(ulong fromHeight, ulong toHeight)
    {
        if (FailReads)
        {
            throw new IOException("simulated storage failure");
        }

        for (var h = fromHeight; h <= toHeight && Blocks.TryGetValue(h, out var block); h++)
        {
            yield return ServeWrongHeights ? MakeBlock(h + 1) : block;
        }
    }

    public void OnPeerHeight(Hash32 validator, ulong height) => PeerHeights[validator] = height;

    public void AddBlocks(ulong fromHeight, ulong toHeight)
    {
        for (var h = fromHeight; h <= toHeight; h++)
        {
            Blocks[h] = MakeBlock(h);
        }

        Height = toHeight;
    }

    public static CertifiedBlock MakeBlock(ulong height) => new()
    {
        Block = new Block { Header = new BlockHeader { ChainId = "peer-test", Height = height, TimeUnixMs = (long)height * 1000 } },
        Certificate = new CommitCertificate { Height = height },
    };
}
