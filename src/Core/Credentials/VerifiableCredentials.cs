using System.Text.Json.Nodes;
using GovChain.Core.Hashing;
using GovChain.Protocol.Identity;

namespace GovChain.Core.Credentials;

/// <summary>
/// W3C Verifiable Credentials Data Model 2.0 documents for the identity registry's credentials
/// (diplomas, licences): issuer and subject as <c>did:key</c> of their registered keys, the
/// record's facts in the subject (kind, claims hash, heights, issuing department), revocation
/// through the node's Bitstring Status List. Terms beyond the VC 2.0 context fall under its
/// issuer-dependent <c>@vocab</c>, so no further context has to be published or fetched.
/// </summary>
public static class VerifiableCredentials
{
    public const string ContextV2 = "https://www.w3.org/ns/credentials/v2";

    /// <summary>The path under which a node serves its status lists.</summary>
    public const string StatusPath = "/credentials/status";

    /// <summary>The credential's id: a URN naming the chain and the record, the same whoever exports it.</summary>
    public static string CredentialUrn(string chainId, string credentialId) => $"urn:govchain:{chainId}:credential:{credentialId}";

    /// <summary>The unsigned VC of <paramref name="record"/>; <paramref name="nodeUrl"/> is the node whose status list it points to.</summary>
    public static JsonObject Build(CredentialRecord record, string chainId, string nodeUrl)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(chainId);
        ArgumentException.ThrowIfNullOrEmpty(nodeUrl);
        var subject = new JsonObject
        {
            ["id"] = DidKey.Of(record.Subject.Span),
            ["credentialKind"] = record.Kind,
            ["claimsSha256"] = Hex.Encode(record.ClaimsHash.Span),
            ["issuingDepartment"] = record.IssuerDepartment,
            ["chainId"] = chainId,
            ["issuedAtHeight"] = record.IssuedHeight,
            ["validFromHeight"] = record.ValidFromHeight,
        };
        if (record.ValidUntilHeight != 0)
        {
            subject["validUntilHeight"] = record.ValidUntilHeight;
        }

        var document = new JsonObject
        {
            ["@context"] = new JsonArray(ContextV2),
            ["id"] = CredentialUrn(chainId, record.Id),
            ["type"] = new JsonArray("VerifiableCredential"),
            ["name"] = $"{record.Kind} {record.Id}",
            ["issuer"] = DidKey.Of(record.Issuer.Span),
            ["credentialSubject"] = subject,
        };
        if (record.StatusIndex != 0)
        {
            document["credentialStatus"] = StatusListCredential.Entry(nodeUrl, record.StatusIndex);
        }

        return document;
    }

    internal static string TrimSlash(string url) => url.EndsWith('/') ? url[..^1] : url;
}
