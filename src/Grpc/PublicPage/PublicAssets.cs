using System.Collections.Frozen;

namespace GovChain.Grpc.PublicPage;

/// <summary>
/// The page's static files, embedded in this assembly (no CDN, no separate server, no files to
/// deploy beside the node). Only these names are served: a request for anything else is a 404,
/// never a lookup in the file system.
/// </summary>
internal static class PublicAssets
{
    private const string Prefix = "PublicPage/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["page.css"] = "text/css; charset=utf-8",
        ["page.js"] = "text/javascript; charset=utf-8",
        ["govchain-proto.js"] = "text/javascript; charset=utf-8",
        ["govchain-verify.js"] = "text/javascript; charset=utf-8",
        ["govchain-records.js"] = "text/javascript; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, byte[]> Files = Load();

    public static bool TryGet(string name, out byte[] content, out string contentType)
    {
        if (Files.TryGetValue(name, out content!) && ContentTypes.TryGetValue(name, out contentType!))
        {
            return true;
        }

        content = [];
        contentType = string.Empty;
        return false;
    }

    private static FrozenDictionary<string, byte[]> Load()
    {
        var assembly = typeof(PublicAssets).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in ContentTypes.Keys)
        {
            using var stream = assembly.GetManifestResourceStream(Prefix + name)
                ?? throw new InvalidOperationException($"the public page's file {name} is not embedded in {assembly.GetName().Name}");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name] = copy.ToArray();
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
