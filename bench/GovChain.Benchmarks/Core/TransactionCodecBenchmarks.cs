using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;

namespace GovChain.Benchmarks.Core;

[MemoryDiagnoser]
public class TransactionCodecBenchmarks
{
    private KeyPair _key = null!;
    private SignedTransaction _tx = null!;
    private byte[] _encoded = null!;

    [GlobalSetup]
    public void Setup()
    {
        _key = KeyPair.Generate();
        var args = new EventAttribute { Key = "parcel", Value = "LR-2026-000042" };
        _tx = TransactionCodec.Create("govchain-bench", _key, 17, "land", "offer", args, "file 2026/17");
        _encoded = _tx.ToByteArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark]
    public byte[] Encode() => _tx.ToByteArray();

    [Benchmark]
    public SignedTransaction Decode() => SignedTransaction.Parser.ParseFrom(_encoded);

    [Benchmark]
    public Hash32 TxId() => _tx.Id();

    [Benchmark]
    public bool DecodeAndVerify()
    {
        var tx = SignedTransaction.Parser.ParseFrom(_encoded);
        return TransactionVerifier.TryVerify(tx, "govchain-bench", 64 * 1024, out _, out _, out _);
    }
}
