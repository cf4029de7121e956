using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;

namespace GovChain.Core.Native;

/// <summary>
/// Maps the short library names used in <c>[LibraryImport]</c> to the Debian sonames and turns
/// a missing library into an error that names the package to install.
/// </summary>
public static class NativeLibraryResolver
{
    private sealed record Entry(string[] FileNames, string DebianPackage);

    private static readonly ConcurrentDictionary<string, Entry> Entries = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<Assembly, bool> Hooked = new();

    /// <summary>Registers how to find <paramref name="importName"/> for imports declared in <paramref name="assembly"/>.</summary>
    public static void Register(Assembly assembly, string importName, string debianPackage, params string[] fileNames)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        Entries[importName] = new Entry(fileNames, debianPackage);
        if (Hooked.TryAdd(assembly, true))
        {
            NativeLibrary.SetDllImportResolver(assembly, Resolve);
        }
    }

    /// <summary>Loads the library now, so a missing install is reported at start-up rather than on first use.</summary>
    public static nint Load(string importName)
    {
        if (!Entries.TryGetValue(importName, out var entry))
        {
            throw new InvalidOperationException($"No native library registered under '{importName}'.");
        }

        Exception? last = null;
        foreach (var file in entry.FileNames)
        {
            try
            {
                return NativeLibrary.Load(file);
            }
            catch (DllNotFoundException ex)
            {
                last = ex;
            }
        }

        throw new NativeLibraryMissingException(entry.FileNames[0], entry.DebianPackage, last);
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        return Entries.ContainsKey(libraryName) ? Load(libraryName) : 0;
    }
}
