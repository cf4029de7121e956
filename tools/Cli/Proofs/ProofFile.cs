using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using GovChain.Core.Proofs;
using GovChain.Protocol;

namespace GovChain.Cli.Proofs;

/// <summary>What a proof file proves: a committed transaction with its receipt, or a state key's value (or absence).</summary>
internal enum ProofKind
{
    Transaction = 1,
    State = 2,
}

/// <summary>A proof file that cannot be read as one: corrupt, truncated, of another format, or too large.</summary>
internal sealed class ProofFileException : Exception
{
    public ProofFileException(string message)
        : base(message)
    {
    }

    public ProofFileException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ProofFileException()
    {
    }
}

/// <summary>
/// A proof as <c>govchain proof get</c> writes it and <c>proof verify</c> reads it, in one of two
/// encodings. Binary: the 8 ASCII bytes "GOVPROOF", a version byte (1), a kind byte
/// (1 transaction, 2 state), then the protobuf encoding of <c>TransactionProof</c> or
/// <c>CertifiedStateProof</c> from client.proto. JSON: an object
/// <c>{"format":"govchain-proof","version":1,"kind":"transaction"|"state","proof":{...}}</c> whose
/// proof is the protobuf JSON mapping of the same message. Both carry everything needed to
/// check the proof against a genesis file alone; neither is trusted until checked.
/// </summary>
internal sealed class ProofFile
{
    public const int MaxBytes = 8 << 20;
    public const byte Version = ProofJson.Version;
    public const string JsonFormatName = ProofJson.FormatName;

    private static readonly byte[] Magic = "GOVPROOF"u8.ToArray();
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    private ProofFile(ProofKind kind, IMessage message)
    {
        Kind = kind;
        Message = message;
    }

    public ProofKind Kind { get; }

    public IMessage Message { get; }

    public TransactionProof? Transaction => Message as TransactionProof;

    public CertifiedStateProof? State => Message as CertifiedStateProof;

    public static ProofFile Of(TransactionProof proof) => new(ProofKind.Transaction, proof);

    public static ProofFile Of(CertifiedStateProof proof) => new(ProofKind.State, proof);

    /// <summary>True for a path ending in ".json": such a file is written in the JSON encoding.</summary>
    public static bool IsJsonPath(string path) => path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    public byte[] ToBinary()
    {
        var payload = Message.ToByteArray();
        var bytes = new byte[Magic.Length + 2 + payload.Length];
        Magic.CopyTo(bytes, 0);
        bytes[Magic.Length] = Version;
        bytes[Magic.Length + 1] = (byte)Kind;
        payload.CopyTo(bytes, Magic.Length + 2);
        return bytes;
    }

    /// <summary>The JSON encoding, written by Core so a node's public page serves the very same document.</summary>
    public string ToJson() => Kind == ProofKind.Transaction ? ProofJson.Write(Transaction!) : ProofJson.Write(State!);

    /// <summary>Writes the file whole (a temporary file renamed), so a reader never sees half a proof.</summary>
    public void Write(string path, bool json)
    {
        var temporary = path + ".tmp";
        if (json)
        {
            File.WriteAllText(temporary, ToJson(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        else
        {
            File.WriteAllBytes(temporary, ToBinary());
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads either encoding (told apart by the first bytes); anything else is a <see cref="ProofFileException"/>.</summary>
    public static ProofFile Read(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > MaxBytes)
        {
            throw new ProofFileException($"the file is {info.Length} bytes; a proof is at most {MaxBytes}");
        }

        return Parse(File.ReadAllBytes(path));
    }

    public static ProofFile Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxBytes)
        {
            throw new ProofFileException($"the file is {bytes.Length} bytes; a proof is at most {MaxBytes}");
        }

        if (bytes.StartsWith(Magic))
        {
            return ParseBinary(bytes);
        }

        var text = bytes.TrimStart("\uFEFF"u8).TrimStart(" \t\r\n"u8);
        if (text.Length > 0 && text[0] == (byte)'{')
        {
            return ParseJson(text);
        }

        throw new ProofFileException("the file is not a GovChain proof (neither the binary nor the JSON proof format)");
    }

    private static ProofFile ParseBinary(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Magic.Length + 2)
        {
            throw new ProofFileException("the proof file is truncated");
        }

        if (bytes[Magic.Length] != Version)
        {
            throw new ProofFileException($"proof format version {bytes[Magic.Length]} is not supported (this govchain reads version {Version})");
        }

        var payload = bytes[(Magic.Length + 2)..];
        try
        {
            return (ProofKind)bytes[Magic.Length + 1] switch
            {
                ProofKind.Transaction => Of(TransactionProof.Parser.ParseFrom(payload)),
                ProofKind.State => Of(CertifiedStateProof.Parser.ParseFrom(payload)),
                _ => throw new ProofFileException($"proof kind {bytes[Magic.Length + 1]} is unknown"),
            };
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ProofFileException("the proof is corrupt: " + ex.Message, ex);
        }
    }

    private static ProofFile ParseJson(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var root = JsonNode.Parse(utf8) as JsonObject ?? throw new ProofFileException("the JSON proof is not an object");
            if ((string?)root["format"] != JsonFormatName)
            {
                throw new ProofFileException($"the JSON file is not a GovChain proof (its \"format\" is not \"{JsonFormatName}\")");
            }

            if ((int?)root["version"] != Version)
            {
                throw new ProofFileException($"proof format version {root["version"]} is not supported (this govchain reads version {Version})");
            }

            var proof = root["proof"] as JsonObject ?? throw new ProofFileException("the JSON proof has no \"proof\" object");
            return (string?)root["kind"] switch
            {
                "transaction" => Of(Parser.Parse<TransactionProof>(proof.ToJsonString())),
                "state" => Of(Parser.Parse<CertifiedStateProof>(proof.ToJsonString())),
                var other => throw new ProofFileException($"proof kind '{other}' is unknown"),
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidProtocolBufferException or InvalidJsonException or FormatException or InvalidOperationException)
        {
            throw new ProofFileException("the JSON proof is corrupt: " + ex.Message, ex);
        }
    }
}
