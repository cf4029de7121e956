namespace GovChain.Core.Native;

/// <summary>A native library GovChain depends on is not installed on this machine.</summary>
public sealed class NativeLibraryMissingException : Exception
{
    public NativeLibraryMissingException(string library, string debianPackage, Exception? inner = null)
        : base($"The native library '{library}' could not be loaded. Install it with " +
               $"'apt-get install -y {debianPackage}' or run ./scripts/setup.sh.", inner)
    {
        Library = library;
        DebianPackage = debianPackage;
    }

    public string Library { get; }

    public string DebianPackage { get; }
}
