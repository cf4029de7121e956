extern alias govchain;

using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using GovChain.Protocol;
using govchain::GovChain.Cli.Import;
using govchain::GovChain.Cli.Proofs;

namespace GovChain.Benchmarks.CliImport;

/// <summary>
/// The local half of 'govchain import csv': reading and checking a 10,000-row land registry
/// export (RFC 4180 parsing, field rules, duplicate detection, the description hash), and
/// reading a proof file in both encodings. The chain's half is measured by the load generator.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class LandExportBenchmarks
{
    private const int Rows = 10_000;
    private string _csv = null!;
    private byte[] _binaryProof = null!;
    private byte[] _jsonProof = null!;

    [GlobalSetup]
    public void Setup()
    {
        var owner = Convert.ToHexStringLower(new byte[32].Select((_, i) => (byte)(i * 7)).ToArray());
        var text = new StringBuilder("parcel_id,owner_public_key,area_m2,location,title_reference,description\r\n");
        for (var i = 0; i < Rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"P-{i},{owner},{100 + i},\"Riverside, section {i % 40}\",T-{i}/1987,\"Deed of sale, {i}\nsurveyed and fenced\"\r\n");
        }

        _csv = text.ToString();
        var proof = new CertifiedStateProof
        {
            Proof = new StateProof { Key = ByteString.CopyFromUtf8("land/parcel/P-17"), Height = 9, Exists = true, Value = ByteString.CopyFrom(new byte[160]) },
            Header = new BlockHeader { Height = 9, ChainId = "bench" },
            Certificate = new CommitCertificate { Height = 9 },
        };
        for (var i = 0; i < 24; i++)
        {
            proof.Proof.Siblings.Add(ByteString.CopyFrom(new byte[32]));
        }

        for (var i = 0; i < 4; i++)
        {
            proof.Certificate.Signatures.Add(new CommitSignature { Validator = ByteString.CopyFrom(new byte[32]), Signature = ByteString.CopyFrom(new byte[64]) });
        }

        _binaryProof = ProofFile.Of(proof).ToBinary();
        _jsonProof = Encoding.UTF8.GetBytes(ProofFile.Of(proof).ToJson());
    }

    [Benchmark(Description = "read and check 10,000 CSV rows")]
    public int ReadExport() => LandExport.Read(new CsvRecordReader(new StringReader(_csv)), "bench").Rows.Count;

    [Benchmark(Description = "parse a binary proof file")]
    public int ParseBinaryProof() => (int)ProofFile.Parse(_binaryProof).Kind;

    [Benchmark(Description = "parse a JSON proof file")]
    public int ParseJsonProof() => (int)ProofFile.Parse(_jsonProof).Kind;
}
