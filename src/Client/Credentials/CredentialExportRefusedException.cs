namespace GovChain.Client.Credentials;

/// <summary>The chain's records do not allow the export: an unknown credential, or a key that is not its issuer's.</summary>
public sealed class CredentialExportRefusedException(string message, bool unknownCredential = false) : Exception(message)
{
    /// <summary>True when the chain has no such credential (rather than a key that is not its issuer's).</summary>
    public bool UnknownCredential { get; } = unknownCredential;
}
