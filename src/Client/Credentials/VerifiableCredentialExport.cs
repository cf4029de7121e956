using System.Globalization;
using System.Text.Json.Nodes;
using GovChain.Client.Registries;
using GovChain.Core.Credentials;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using Grpc.Core;

namespace GovChain.Client.Credentials;

/// <summary>
/// A credential of the identity registry as a signed W3C Verifiable Credential (VC Data Model
/// 2.0, Data Integrity <c>eddsa-jcs-2022</c>). Only the key the chain recorded as the
/// credential's issuer, still holding the issuer role in the issuing department, may sign it:
/// a VC signed by any other key would claim an issuer the chain does not show.
/// </summary>
public static class VerifiableCredentialExport
{
    /// <param name="nodeUrl">The node address whose status list the credential points to (<c>https://host:port</c>).</param>
    /// <param name="created">The proof's creation time, or null to leave it out.</param>
    /// <exception cref="CredentialExportRefusedException">The credential is unknown or <paramref name="issuerKey"/> is not its issuer's key.</exception>
    public static async Task<JsonObject> ExportAsync(
        GovChainClient client, string credentialId, KeyPair issuerKey, string nodeUrl, DateTimeOffset? created = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(credentialId);
        ArgumentNullException.ThrowIfNull(issuerKey);
        ArgumentException.ThrowIfNullOrEmpty(nodeUrl);
        var status = await client.GetStatusAsync(timeout, cancellationToken).ConfigureAwait(false);
        Protocol.Identity.CredentialRecord record;
        try
        {
            record = (await client.QueryAsync(IdentityRegistry.GetCredential(credentialId), timeout, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            throw new CredentialExportRefusedException($"the chain has no credential '{credentialId}'", unknownCredential: true);
        }

        if (!record.Issuer.Span.SequenceEqual(issuerKey.PublicKey))
        {
            throw new CredentialExportRefusedException(
                $"the key {issuerKey.PublicKeyHex} is not the issuer of credential '{credentialId}': the chain records {Hex.Encode(record.Issuer.Span)} of department '{record.IssuerDepartment}'");
        }

        var role = (await client.QueryAsync(Governance.HasRole(Roles.IdentityIssuer, issuerKey.PublicKey), timeout, cancellationToken).ConfigureAwait(false)).Value;
        if (!role.Granted || !string.Equals(role.DepartmentId, record.IssuerDepartment, StringComparison.Ordinal))
        {
            throw new CredentialExportRefusedException(
                $"the key {issuerKey.PublicKeyHex} no longer holds the {Roles.IdentityIssuer} role of department '{record.IssuerDepartment}'");
        }

        var unsigned = VerifiableCredentials.Build(record, status.ChainId, nodeUrl);
        var stamp = created?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return EddsaJcs2022.Sign(unsigned, issuerKey, stamp);
    }
}
