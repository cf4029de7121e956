namespace GovChain.Core.Crypto;

/// <summary>A key file that cannot be opened: wrong passphrase, damaged, or not a key file.</summary>
public sealed class KeyFileException : Exception
{
    public KeyFileException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
