using System.Globalization;
using System.Net;

namespace GovChain.Node.Configuration;

/// <summary>Checks every setting of <see cref="NodeOptions"/>; each problem names its setting.</summary>
public static partial class NodeOptionsValidator
{
    /// <summary>Makes relative file paths relative to <see cref="NodeOptions.BaseDirectory"/>.</summary>
    public static void ResolvePaths(NodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var root = options.BaseDirectory.Length > 0 ? options.BaseDirectory : Directory.GetCurrentDirectory();
        options.DataDirectory = Resolve(root, options.DataDirectory);
        options.GenesisFile = Resolve(root, options.GenesisFile);
        options.ValidatorKeyFile = Resolve(root, options.ValidatorKeyFile);
        options.ValidatorPassphraseFile = Resolve(root, options.ValidatorPassphraseFile);
        options.ValidatorKeyFiles = options.ValidatorKeyFiles.Select(f => Resolve(root, f)).ToList();
        options.Tls.CertificateFile = Resolve(root, options.Tls.CertificateFile);
        options.Tls.KeyFile = Resolve(root, options.Tls.KeyFile);
        options.Tls.TrustedClientCertificateFiles = options.Tls.TrustedClientCertificateFiles.Select(f => Resolve(root, f)).ToList();
    }

    public static void ThrowIfInvalid(NodeOptions options)
    {
        var problems = Validate(options);
        if (problems.Count > 0)
        {
            throw new NodeConfigurationException(problems);
        }
    }

    public static List<string> Validate(NodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var p = new List<string>();
        if (!options.Storage.InMemory)
        {
            Required(p, nameof(NodeOptions.DataDirectory), options.DataDirectory);
        }

        if (options.DataDirectory.Length > 0 && File.Exists(options.DataDirectory))
        {
            p.Add($"DataDirectory: {options.DataDirectory} is a file, not a directory.");
        }

        Required(p, nameof(NodeOptions.DepartmentId), options.DepartmentId);
        ExistingFile(p, nameof(NodeOptions.GenesisFile), options.GenesisFile, required: true);
        if (options.ValidatorKeyFile.Length > 0)
        {
            ExistingFile(p, nameof(NodeOptions.ValidatorKeyFile), options.ValidatorKeyFile, required: true);
            if (options.ValidatorPassphrase.Length == 0 && options.ValidatorPassphraseFile.Length == 0)
            {
                p.Add("ValidatorPassphraseFile: a validator key file needs a passphrase (ValidatorPassphraseFile, or the GOVCHAIN__ValidatorPassphrase variable).");
            }

            ExistingFile(p, nameof(NodeOptions.ValidatorPassphraseFile), options.ValidatorPassphraseFile, required: false);
        }

        for (var i = 0; i < options.ValidatorKeyFiles.Count; i++)
        {
            ExistingFile(p, $"{nameof(NodeOptions.ValidatorKeyFiles)}:{i}", options.ValidatorKeyFiles[i], required: true);
        }

        if (options.ValidatorKeyFiles.Count > 0 && options.ValidatorKeyFile.Length == 0)
        {
            p.Add("ValidatorKeyFiles: further keys need a ValidatorKeyFile (the first key) and its passphrase.");
        }

        var listen = TryParseEndpoint(options.ListenAddress, out var endpoint, out var reason);
        if (!listen)
        {
            p.Add($"ListenAddress: '{options.ListenAddress}' {reason}");
        }

        if (options.MetricsHttp1Port is < 0 or > 65535)
        {
            p.Add($"MetricsHttp1Port: {options.MetricsHttp1Port} is not a port (0-65535).");
        }

        ValidateTls(p, options.Tls, listen ? endpoint : null);
        if (options.PeerListenAddress.Length > 0)
        {
            if (!TryParseEndpoint(options.PeerListenAddress, out var peerEndpoint, out var peerReason))
            {
                p.Add($"PeerListenAddress: '{options.PeerListenAddress}' {peerReason}");
            }
            else if (!options.Tls.Enabled && !IPAddress.IsLoopback(peerEndpoint!.Address))
            {
                p.Add($"PeerListenAddress: the node listens for peers on {peerEndpoint.Address}, which is not loopback; plaintext is allowed only on loopback.");
            }
            else if (listen && peerEndpoint!.Port != 0 && peerEndpoint.Port == endpoint!.Port && peerEndpoint.Address.Equals(endpoint.Address))
            {
                p.Add("PeerListenAddress: must differ from ListenAddress.");
            }
        }

        for (var i = 0; i < options.Peers.Count; i++)
        {
            var peer = options.Peers[i];
            Required(p, $"Peers:{i}:DepartmentId", peer.DepartmentId);
            if (!TryParseEndpoint(peer.Address, out _, out var peerReason, allowHostName: true))
            {
                p.Add($"Peers:{i}:Address: '{peer.Address}' {peerReason}");
            }
        }

        ValidateConsensus(p, options.Consensus);
        ValidateMempool(p, options);
        ValidateClientApi(p, options.ClientApi);
        ValidateObserver(p, options);
        ValidateStorage(p, options.Storage);
        return p;
    }

    /// <summary>Parses host:port (IPv6 as [addr]:port). Host names other than localhost are allowed only for peers.</summary>
    public static bool TryParseEndpoint(string text, out IPEndPoint? endpoint, out string reason, bool allowHostName = false)
    {
        endpoint = null;
        reason = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            reason = "is empty; expected host:port.";
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            reason = "is not host:port.";
            return false;
        }

        var host = text[..colon].Trim('[', ']');
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            reason = "has no valid port (0-65535).";
            return false;
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            endpoint = new IPEndPoint(IPAddress.Loopback, port);
            return true;
        }

        if (IPAddress.TryParse(host, out var address))
        {
            endpoint = new IPEndPoint(address, port);
            return true;
        }

        if (allowHostName && Uri.CheckHostName(host) == UriHostNameType.Dns)
        {
            return true;
        }

        reason = "does not have an IP address (or localhost) as host.";
        return false;
    }

    private static void ValidateTls(List<string> p, TlsOptions tls, IPEndPoint? listen)
    {
        if (tls.CertificateFile.Length > 0 != tls.KeyFile.Length > 0)
        {
            p.Add("Tls: CertificateFile and KeyFile are given together or not at all.");
        }

        ExistingFile(p, "Tls:CertificateFile", tls.CertificateFile, required: false);
        ExistingFile(p, "Tls:KeyFile", tls.KeyFile, required: false);
        for (var i = 0; i < tls.TrustedClientCertificateFiles.Count; i++)
        {
            ExistingFile(p, $"Tls:TrustedClientCertificateFiles:{i}", tls.TrustedClientCertificateFiles[i], required: true);
        }

        if (!tls.Enabled && tls.TrustedClientCertificateFiles.Count > 0)
        {
            p.Add("Tls:TrustedClientCertificateFiles: mutual TLS needs the node's own CertificateFile and KeyFile.");
        }

        if (!tls.Enabled && listen is not null && !IPAddress.IsLoopback(listen.Address))
        {
            p.Add($"Tls:CertificateFile: the node listens on {listen.Address}, which is not loopback; plaintext is allowed only on loopback.");
        }
    }

    private static void ValidateConsensus(List<string> p, ConsensusTimeoutOptions c)
    {
        NonNegative(p, "Consensus:ProposeMs", c.ProposeMs);
        NonNegative(p, "Consensus:PrevoteMs", c.PrevoteMs);
        NonNegative(p, "Consensus:PrecommitMs", c.PrecommitMs);
        NonNegative(p, "Consensus:DeltaMs", c.DeltaMs);
        NonNegative(p, "Consensus:RetransmitMs", c.RetransmitMs);
        NonNegative(p, "Consensus:FreshStartGraceMs", c.FreshStartGraceMs);
        InRange(p, "Consensus:SyncBatchBlocks", c.SyncBatchBlocks, 1, 1000);
        InRange(p, "Consensus:EventQueueCapacity", c.EventQueueCapacity, 64, 1_000_000);
        InRange(p, "Consensus:PeerSignatureChecksPerSecond", c.PeerSignatureChecksPerSecond, 0, 1_000_000);
        NonNegative(p, "Consensus:EmptyBlockDelayMs", c.EmptyBlockDelayMs);
        InRange(p, "Consensus:IdleBlockIntervalMs", c.IdleBlockIntervalMs, 0, 3_600_000);
        InRange(p, "Consensus:SyncPollMs", c.SyncPollMs, 10, 600_000);
        var propose = c.ProposeMs > 0 ? c.ProposeMs : 3000;
        if (c.EmptyBlockDelayMs >= propose)
        {
            p.Add($"Consensus:EmptyBlockDelayMs: {c.EmptyBlockDelayMs} must be below the propose timeout ({propose} ms), or idle rounds time out.");
        }
    }

    private static void ValidateMempool(List<string> p, NodeOptions options)
    {
        var m = options.Mempool;
        InRange(p, "Mempool:MaxTransactions", m.MaxTransactions, 1, 10_000_000);
        if (m.MaxBytes <= 0)
        {
            p.Add($"Mempool:MaxBytes: {m.MaxBytes} must be positive.");
        }

        InRange(p, "Mempool:MaxTxBytes", m.MaxTxBytes, 128, 16 << 20);
        InRange(p, "Mempool:MaxPerSender", m.MaxPerSender, 1, 10_000_000);
        if (m.MaxNonceGap == 0)
        {
            p.Add("Mempool:MaxNonceGap: must be positive.");
        }

        InRange(p, "Mempool:MaxGappedPerSender", m.MaxGappedPerSender, 0, 10_000_000);
        InRange(p, "Mempool:MaxGappedTransactions", m.MaxGappedTransactions, 0, 10_000_000);
        InRange(p, "Mempool:MaxGappedOfNewSenders", m.MaxGappedOfNewSenders, 0, 10_000_000);
        InRange(p, "Mempool:SignatureChecksPerSecondPerClient", m.SignatureChecksPerSecondPerClient, 1, 10_000_000);
        InRange(p, "Mempool:SignatureCheckBurstPerClient", m.SignatureCheckBurstPerClient, 1, 10_000_000);
        InRange(p, "Mempool:MaxChecksInProgressPerClient", m.MaxChecksInProgressPerClient, 1, 1_000_000);
        InRange(p, "Mempool:GappedTtlBlocks", m.GappedTtlBlocks, 1, 100_000);
        InRange(p, "Mempool:PendingBlocks", m.PendingBlocks, 1, 1_000);
        InRange(p, "Mempool:FairSharePercent", m.FairSharePercent, 1, 100);
        InRange(p, "Mempool:MinSenderShare", m.MinSenderShare, 1, 10_000_000);
        InRange(p, "Mempool:RememberDropped", m.RememberDropped, 0, 10_000_000);
    }

    private static void ValidateStorage(List<string> p, StorageSettings s)
    {
        if (s.KeepRecentHeights is < 0 or (> 0 and < 16))
        {
            p.Add($"Storage:KeepRecentHeights: {s.KeepRecentHeights}; use 0 (keep all) or at least 16 (validator sets are read two heights back).");
        }

        if (s.BlockCacheBytes < 1024 * 1024)
        {
            p.Add($"Storage:BlockCacheBytes: {s.BlockCacheBytes} is below the 1 MiB minimum.");
        }
    }

    private static void Required(List<string> p, string name, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            p.Add($"{name}: is required.");
        }
    }

    private static void ExistingFile(List<string> p, string name, string path, bool required)
    {
        if (path.Length == 0)
        {
            if (required)
            {
                p.Add($"{name}: is required.");
            }

            return;
        }

        if (!File.Exists(path))
        {
            p.Add($"{name}: the file {path} does not exist.");
        }
    }

    private static void NonNegative(List<string> p, string name, int value)
    {
        if (value < 0)
        {
            p.Add($"{name}: {value} must not be negative.");
        }
    }

    private static void InRange(List<string> p, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            p.Add($"{name}: {value} is outside {min}..{max}.");
        }
    }

    private static string Resolve(string root, string path) =>
        string.IsNullOrWhiteSpace(path) ? string.Empty : Path.GetFullPath(path, root);
}
