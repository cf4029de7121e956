using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using GovChain.Protocol;

namespace GovChain.Core.Proofs;

/// <summary>
/// The JSON encoding of a proof file, in Core so that the CLI (<c>govchain proof get</c>) and a
/// node's public page write byte-for-byte the same document, and one verifier reads both:
/// <c>{"format":"govchain-proof","version":1,"kind":"transaction"|"state","proof":{...}}</c>, the
/// proof being the protobuf JSON mapping (proto field names) of <c>TransactionProof</c> or
/// <c>CertifiedStateProof</c>.
/// </summary>
public static class ProofJson
{
    public const string FormatName = "govchain-proof";
    public const byte Version = 1;
    public const string TransactionKind = "transaction";
    public const string StateKind = "state";

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Write(TransactionProof proof) => Write(TransactionKind, proof);

    public static string Write(CertifiedStateProof proof) => Write(StateKind, proof);

    private static string Write(string kind, IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = Version,
            ["kind"] = kind,
            ["proof"] = JsonNode.Parse(Formatter.Format(message)),
        }.ToJsonString(Indented);
    }
}
