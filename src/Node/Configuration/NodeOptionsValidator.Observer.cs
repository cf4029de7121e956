namespace GovChain.Node.Configuration;

public static partial class NodeOptionsValidator
{
    private static void ValidateObserver(List<string> p, NodeOptions options)
    {
        var o = options.Observer;
        if (!o.Enabled)
        {
            return;
        }

        if (o.Follow.Count > ObserverOptions.MaxFollowed)
        {
            p.Add($"Observer:Follow: at most {ObserverOptions.MaxFollowed} nodes.");
        }

        for (var i = 0; i < o.Follow.Count; i++)
        {
            if (FollowProblem(o.Follow[i]) is { } problem)
            {
                p.Add($"Observer:Follow:{i}: '{o.Follow[i]}' {problem}");
            }
        }

        // An observer signs nothing and is nobody's peer: a key or a peer listener would only mislead.
        if (options.ValidatorKeyFile.Length > 0 || options.ValidatorPassphrase.Length > 0)
        {
            p.Add("ValidatorKeyFile: an observer has no validator key; remove it (or the Observer section, for a department's node).");
        }

        if (options.PeerListenAddress.Length > 0 || options.Peers.Count > 0)
        {
            p.Add("PeerListenAddress: an observer follows over department nodes' client API and has no peer listener or peers; remove them.");
        }

        if (o.MaxReconnectDelayMs is < 250 or > 600_000)
        {
            p.Add($"Observer:MaxReconnectDelayMs: {o.MaxReconnectDelayMs} must be 250-600000.");
        }

        if (o.BanMs is < 0 or > 3_600_000)
        {
            p.Add($"Observer:BanMs: {o.BanMs} must be 0-3600000.");
        }
    }

    /// <summary>Null when <paramref name="text"/> is a usable address of a node to follow; otherwise why not.</summary>
    public static string? FollowProblem(string text)
    {
        if (!TryParseFollow(text, out var uri))
        {
            return "is not an address: expected https://host:port (or host:port).";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            return "is plaintext beyond loopback: use https:// (the followed node's certificate is pinned from genesis).";
        }

        return null;
    }

    /// <summary>host:port means https://host:port; only http and https are addresses.</summary>
    public static bool TryParseFollow(string text, out Uri uri)
    {
        uri = null!;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 512)
        {
            return false;
        }

        var full = text.Contains("://", StringComparison.Ordinal) ? text : "https://" + text;
        if (!Uri.TryCreate(full, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp)
            || parsed.IsDefaultPort && !text.EndsWith(":443", StringComparison.Ordinal) && !text.EndsWith(":80", StringComparison.Ordinal)
            || parsed.AbsolutePath != "/" || parsed.Query.Length > 0 || parsed.UserInfo.Length > 0)
        {
            return false;
        }

        uri = parsed;
        return true;
    }
}
