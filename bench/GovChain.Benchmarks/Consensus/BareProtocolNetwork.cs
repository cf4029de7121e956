using System.Security.Cryptography;
using Google.Protobuf;
using GovChain.Consensus;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Core.Validators;
using GovChain.Protocol;

namespace GovChain.Benchmarks.Consensus;

/// <summary>
/// n consensus machines on a perfect in-memory network (FIFO, no delay, no loss) with an
/// application that builds and accepts blocks at once: what is left is the protocol's own
/// cost — message handling, signing and checking, tallying.
/// </summary>
public sealed class BareProtocolNetwork : IDisposable
{
    private const string ChainId = "bench-chain";

    private readonly ConsensusMachine[] _machines;
    private readonly IConsensusSigner[] _signers;
    private readonly KeyPair[] _keyPairs;
    private readonly WeightedValidatorSet _set;
    private readonly Queue<(int To, ConsensusEvent Event)> _inbox = new();
    private readonly ulong[] _committed;

    public BareProtocolNetwork(int n, bool ed25519)
    {
        _keyPairs = ed25519 ? Enumerable.Range(0, n).Select(i => KeyPair.FromSeed(SHA256.HashData(BitConverter.GetBytes(i)))).ToArray() : [];
        _signers = ed25519
            ? _keyPairs.Select(k => (IConsensusSigner)new Ed25519ConsensusSigner(k)).ToArray()
            : Enumerable.Range(0, n).Select(i => (IConsensusSigner)new HashSigner(i)).ToArray();
        ISignatureVerifier verifier = ed25519 ? Ed25519SignatureVerifier.Instance : new HashVerifier();
        _set = new WeightedValidatorSet(_signers.Select((s, i) => new Validator
        {
            DepartmentId = $"dept-{i}",
            PublicKey = ByteString.CopyFrom(s.PublicKey),
            VotingPower = 1,
        }));
        var options = new ConsensusOptions(ChainId);
        _machines = _signers.Select(s => new ConsensusMachine(options, 1, _set, s, verifier)).ToArray();
        _committed = new ulong[n];
        for (var i = 0; i < n; i++)
        {
            Perform(i, _machines[i].Start());
        }
    }

    /// <summary>Messages sent (one per receiver) since the start.</summary>
    public long MessagesSent { get; private set; }

    /// <summary>The height every machine has committed.</summary>
    public ulong CommittedEverywhere => _committed.Min();

    /// <summary>Runs until every machine committed <paramref name="heights"/> more heights.</summary>
    public void Run(int heights)
    {
        var target = CommittedEverywhere + (ulong)heights;
        while (CommittedEverywhere < target)
        {
            if (!_inbox.TryDequeue(out var next))
            {
                throw new InvalidOperationException("The network went quiet before the target height.");
            }

            Perform(next.To, _machines[next.To].Handle(next.Event));
        }
    }

    private void Perform(int node, IReadOnlyList<ConsensusAction> actions)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case Broadcast b:
                    for (var j = 0; j < _machines.Length; j++)
                    {
                        if (j != node)
                        {
                            _inbox.Enqueue((j, new MessageReceived(b.Message)));
                            MessagesSent++;
                        }
                    }

                    break;
                case RequestProposal r:
                    var block = new Block
                    {
                        Header = new BlockHeader
                        {
                            ChainId = ChainId,
                            Height = r.Height,
                            TimeUnixMs = (long)r.Height,
                            Proposer = ByteString.CopyFrom(_signers[node].PublicKey),
                            ValidatorSetHash = ByteString.CopyFrom(_set.Hash.ToArray()),
                        },
                    };
                    _inbox.Enqueue((node, new ProposalReady(r.Height, r.Round, block)));
                    break;
                case ValidateBlock v:
                    _inbox.Enqueue((node, new BlockValidated(v.Height, v.BlockHash, true)));
                    break;
                case CommitBlock c:
                    _committed[node] = c.Certificate.Height;
                    _inbox.Enqueue((node, new CommitApplied(c.Certificate.Height, _set)));
                    break;
            }
        }
    }

    public void Dispose()
    {
        foreach (var key in _keyPairs)
        {
            key.Dispose();
        }
    }

    /// <summary>SHA-256 stand-in for Ed25519, to measure the protocol without the signature cost.</summary>
    private sealed class HashSigner(int index) : IConsensusSigner
    {
        private readonly byte[] _key = SHA256.HashData(BitConverter.GetBytes(index + 17));

        public ReadOnlySpan<byte> PublicKey => _key;

        public void Sign(ReadOnlySpan<byte> message, Span<byte> signature) => HashVerifier.Compute(_key, message, signature);
    }

    private sealed class HashVerifier : ISignatureVerifier
    {
        public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
        {
            Span<byte> expected = stackalloc byte[64];
            Compute(publicKey, message, expected);
            return signature.SequenceEqual(expected);
        }

        internal static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> signature)
        {
            Span<byte> buffer = stackalloc byte[32 + 256];
            key.CopyTo(buffer);
            message.CopyTo(buffer[32..]);
            SHA256.HashData(buffer[..(32 + message.Length)], signature[..32]);
            signature[..32].CopyTo(buffer[32..]);
            SHA256.HashData(buffer[..64], signature[32..64]);
        }
    }
}
