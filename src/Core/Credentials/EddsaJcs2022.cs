using System.Security.Cryptography;
using System.Text.Json.Nodes;
using GovChain.Core.Crypto;

namespace GovChain.Core.Credentials;

/// <summary>
/// W3C Data Integrity proofs with the <c>eddsa-jcs-2022</c> cryptosuite (VC Data Integrity
/// EdDSA Cryptosuites v1.0): the signature covers SHA-256(JCS(proof configuration)) followed by
/// SHA-256(JCS(document without its proof)), so any JSON tool can check it without JSON-LD
/// processing. The proof carries the document's <c>@context</c>, as the specification's
/// verification step 4 reads it (and widely used verifiers expect it there).
/// </summary>
public static class EddsaJcs2022
{
    public const string ProofType = "DataIntegrityProof";
    public const string Cryptosuite = "eddsa-jcs-2022";
    public const string AssertionMethod = "assertionMethod";

    /// <summary>
    /// A copy of <paramref name="unsecured"/> with a proof signed by <paramref name="key"/>,
    /// whose verification method is the key's <c>did:key</c>.
    /// </summary>
    /// <param name="created">The proof's <c>created</c> date-time (XML Schema, UTC), or null to leave it out.</param>
    public static JsonObject Sign(JsonObject unsecured, KeyPair key, string? created = null)
    {
        ArgumentNullException.ThrowIfNull(unsecured);
        ArgumentNullException.ThrowIfNull(key);
        if (unsecured.ContainsKey("proof"))
        {
            throw new ArgumentException("the document already carries a proof", nameof(unsecured));
        }

        var proof = new JsonObject
        {
            ["type"] = ProofType,
            ["cryptosuite"] = Cryptosuite,
            ["verificationMethod"] = DidKey.VerificationMethod(key.PublicKey),
            ["proofPurpose"] = AssertionMethod,
        };
        if (created is not null)
        {
            proof["created"] = created;
        }

        if (unsecured["@context"] is { } context)
        {
            proof["@context"] = context.DeepClone();
        }

        var signature = key.Sign(HashData(unsecured, proof));
        proof["proofValue"] = "z" + Base58Btc.Encode(signature);
        var secured = (JsonObject)unsecured.DeepClone();
        secured["proof"] = proof;
        return secured;
    }

    /// <summary>
    /// Checks a single <c>eddsa-jcs-2022</c> proof whose verification method is a <c>did:key</c>;
    /// null when it holds, else the reason. Never throws on a malformed document.
    /// </summary>
    public static string? Verify(JsonObject secured)
    {
        ArgumentNullException.ThrowIfNull(secured);
        try
        {
            return Check(secured);
        }
        catch (InvalidOperationException ex)
        {
            return $"the document is malformed: {ex.Message}";
        }
    }

    private static string? Check(JsonObject secured)
    {
        if (secured["proof"] is not JsonObject proof)
        {
            return "the document has no single proof object";
        }

        if (Text(proof, "type") != ProofType || Text(proof, "cryptosuite") != Cryptosuite)
        {
            return $"the proof is not a {ProofType} of {Cryptosuite}";
        }

        if (Text(proof, "verificationMethod") is not { } method || DidKey.TryParse(method) is not { } publicKey)
        {
            return "the proof's verification method is not an Ed25519 did:key";
        }

        if (Text(proof, "proofValue") is not { Length: > 1 } value || value[0] != 'z'
            || Base58Btc.TryDecode(value[1..]) is not { Length: Ed25519.SignatureSize } signature)
        {
            return "the proof value is not a base58btc Ed25519 signature";
        }

        var unsecured = (JsonObject)secured.DeepClone();
        unsecured.Remove("proof");
        var options = (JsonObject)proof.DeepClone();
        options.Remove("proofValue");
        if (options["@context"] is { } context)
        {
            if (!JsonNode.DeepEquals(context, unsecured["@context"]))
            {
                return "the proof's @context differs from the document's";
            }
        }

        byte[] data;
        try
        {
            data = HashData(unsecured, options);
        }
        catch (NotSupportedException ex)
        {
            return $"the document cannot be canonicalised: {ex.Message}";
        }

        return Ed25519.Verify(publicKey, data, signature) ? null : "the signature does not match the document";
    }

    private static byte[] HashData(JsonObject unsecured, JsonObject proofOptions)
    {
        var data = new byte[64];
        SHA256.HashData(JsonCanonicalizer.Canonicalize(proofOptions), data.AsSpan(0, 32));
        SHA256.HashData(JsonCanonicalizer.Canonicalize(unsecured), data.AsSpan(32, 32));
        return data;
    }

    private static string? Text(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
