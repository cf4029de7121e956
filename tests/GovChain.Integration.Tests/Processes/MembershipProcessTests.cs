using System.Diagnostics;
using System.Text.Json.Nodes;
using GovChain.Client;
using GovChain.Client.Registries;
using GovChain.Core.Crypto;
using GovChain.Core.Transactions;
using GovChain.Node.Security;
using GovChain.Node.Setup;
using GovChain.Protocol;
using GovChain.Protocol.SystemContract;
using Google.Protobuf;
using Xunit.Abstractions;

namespace GovChain.Integration.Tests.Processes;

/// <summary>
/// Membership follows the chain, on real processes and one cluster: a fifth department added by
/// governance starts from the genesis file alone, syncs and votes; an original one is killed and
/// the other four keep committing; a validator key and a TLS certificate are rotated on the
/// running network; a department is removed and its node refused; a steady load runs through it
/// all and every acknowledged transaction is on every remaining node.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public sealed class MembershipProcessTests(ITestOutputHelper output) : IDisposable
{
    private const int Registry = 0;
    private const int Finance = 1;
    private const int Education = 2;
    private const int Justice = 3;
    private const int Health = 4;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private readonly ProcessCluster _cluster = new(new ProcessClusterOptions { LaterDepartments = ["health"] });
    private readonly Dictionary<int, TransactionSigner> _admins = [];

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task DepartmentsJoinRotateAndLeaveByGovernance_WhileTheNetworkKeepsCommittingUnderLoad()
    {
        try
        {
            await RunAsync();
        }
        catch (Exception ex) when (ex is not ClusterFailureException)
        {
            throw _cluster.Failure($"{ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private async Task RunAsync()
    {
        await _cluster.StartAllAsync(Limit);
        using var stop = new CancellationTokenSource();
        var acknowledged = new List<TransactionResult>();
        var load = Task.Run(() => LoadAsync(acknowledged, stop.Token));
        var network = _cluster.Network;

        // (a) A fifth department: governance adds it, its operator starts it from genesis alone.
        var health = network.Departments[Health];
        var added = await GovernAsync(
            SystemCalls.AddDepartment(
                new Department
                {
                    Id = health.Id,
                    Name = "Ministry of Health",
                    ValidatorKey = ByteString.CopyFrom(health.ValidatorKey.PublicKey),
                    VotingPower = 1,
                    Endpoint = health.PeerAddress,
                    TlsCertificate = ByteString.CopyFrom(health.Certificate.RawData),
                },
                network.RoleHolder($"admin-{health.Id}").Key.PublicKeyBytes()),
            [Registry, Finance, Education]);
        var clock = Stopwatch.StartNew();
        await _cluster.StartAsync(Health, Limit);
        var firstVote = await WaitForSignatureAsync(Health, health.ValidatorKey.PublicKeyBytes(), added.Height + 2);
        var toVote = clock.Elapsed;
        output.WriteLine($"(a) add-department executed at height {added.Height}; health's first precommit in a certificate at height {firstVote}, {toVote.TotalSeconds:F1} s after the commit (node start, sync and fresh-start check included)");

        // ... and one of the original four dies: the other four (health among them) carry on.
        _cluster.Nodes[Justice].Kill();
        var atKill = await _cluster.HeightAsync(Registry);
        await _cluster.WaitForHeightAsync([Registry, Finance, Education, Health], atKill + 5, Limit);
        // Three originals are enough for a certificate, so health's vote is in some, not necessarily in each.
        var healthAfterKill = await WaitForSignatureAsync(Health, health.ValidatorKey.PublicKeyBytes(), atKill + 1);
        output.WriteLine($"(a) justice killed at height {atKill}; health's precommit in the certificate of height {healthAfterKill}");
        output.WriteLine($"(a) justice killed at height {atKill}; the other four committed on to {await _cluster.HeightAsync(Registry)}");
        await _cluster.StartAsync(Justice, Limit);
        await _cluster.WaitForHeightAsync([Justice], await _cluster.HeightAsync(Registry), Limit);
        _admins.Remove(Justice);

        // (b) Finance rotates its validator key: the operator lists the new key beside the old, restarts, governance switches.
        var finance = network.Departments[Finance];
        using var newKey = KeyPair.Generate();
        KeyFile.Write(Path.Combine(_cluster.Folder.DepartmentDirectory(finance.Id), "validator-2.key"), newKey, finance.ValidatorPassphrase, new KeyFile.KdfCost(1, 1UL << 20));
        EditConfig(Finance, c => c["ValidatorKeyFiles"] = new JsonArray("validator-2.key"));
        var beforeRestart = await _cluster.HeightAsync(Registry);
        _cluster.Nodes[Finance].Kill();
        await _cluster.StartAsync(Finance, Limit);
        _admins.Remove(Finance);
        var rotated = await GovernAsync(SystemCalls.SetValidatorKey(finance.Id, newKey.PublicKey), [Registry, Finance, Education, Health]);
        var newKeySigned = await WaitForSignatureAsync(Registry, newKey.PublicKeyBytes(), rotated.Height + 2);
        await _cluster.WaitForHeightAsync([Registry], newKeySigned + 5, Limit);
        for (var h = rotated.Height + 2; h <= newKeySigned + 5; h++)
        {
            Assert.False(await SignedAsync(Registry, finance.ValidatorKey.PublicKeyBytes(), h), $"the old finance key signed height {h}, after the rotation took effect");
        }

        Assert.True(await SignedAsync(Registry, newKey.PublicKeyBytes(), newKeySigned + 5) || await SignedAsync(Registry, newKey.PublicKeyBytes(), newKeySigned + 4), "finance keeps signing with its new key");
        var keyGap = await LongestGapAsync(beforeRestart, newKeySigned + 5);
        output.WriteLine($"(b) set-validator-key executed at height {rotated.Height}; finance's new key signed height {newKeySigned}; longest gap between commits over the restart and rotation: {keyGap} ms");

        // (c) Education rotates its TLS certificate: governance first, then the node restarts with the new one inside the overlap.
        var education = network.Departments[Education];
        using var newCertificate = DepartmentCertificates.Create(education.Id, [NetworkBlueprint.LoopbackHost, "localhost"], TimeSpan.FromDays(1));
        var directory = _cluster.Folder.DepartmentDirectory(education.Id);
        DepartmentCertificates.WritePem(newCertificate, Path.Combine(directory, "tls-2.crt"), Path.Combine(directory, "tls-2.key"));
        var certStart = await _cluster.HeightAsync(Registry);
        var recertified = await GovernAsync(SystemCalls.SetTlsCertificate(education.Id, newCertificate.RawData, overlapBlocks: 1000), [Registry, Finance, Education, Health]);
        EditConfig(Education, c => c["Tls"] = new JsonObject { ["CertificateFile"] = "tls-2.crt", ["KeyFile"] = "tls-2.key" });
        _cluster.Nodes[Education].Kill();
        _cluster.TrustClientCertificate(Education, newCertificate);
        await _cluster.StartAsync(Education, Limit);
        _admins.Remove(Education);
        var educationBack = await _cluster.HeightAsync(Registry);
        var educationSigned = await WaitForSignatureAsync(Registry, education.ValidatorKey.PublicKeyBytes(), educationBack + 1);
        var certGap = await LongestGapAsync(certStart, educationSigned);
        output.WriteLine($"(c) set-tls-certificate executed at height {recertified.Height}; education back with its new certificate and voting at height {educationSigned}; longest gap between commits: {certGap} ms");

        // (d) Justice is removed: from the change on, its peers close and refuse its sessions.
        var justice = network.Departments[Justice];
        var removed = await GovernAsync(SystemCalls.RemoveDepartment(justice.Id), [Registry, Finance, Education, Health]);
        var others = new[] { Registry, Finance, Education, Health };
        await _cluster.WaitForHeightAsync(others, removed.Height + 10, Limit);
        var justiceHeight = await _cluster.HeightAsync(Justice);
        Assert.True(justiceHeight < removed.Height + 5, $"justice was removed at height {removed.Height} but still follows the chain (at {justiceHeight})");
        for (var h = removed.Height + 2; h <= removed.Height + 10; h++)
        {
            Assert.False(await SignedAsync(Registry, justice.ValidatorKey.PublicKeyBytes(), h), $"removed justice signed height {h}");
        }

        output.WriteLine($"(d) remove-department executed at height {removed.Height}; justice stopped at height {justiceHeight} while the others went on");

        // (e) Every acknowledged transaction is on every remaining node.
        await stop.CancelAsync();
        await load;
        Assert.True(acknowledged.Count > 10, $"the load acknowledged only {acknowledged.Count} transactions");
        var top = acknowledged.Max(r => r.Height);
        await _cluster.WaitForHeightAsync(others, top, Limit);
        foreach (var result in acknowledged)
        {
            foreach (var node in others)
            {
                var found = await _cluster.Client(node).GetTransactionAsync(result.Transaction.Id());
                Assert.True(found is not null && found.Height == result.Height, $"{_cluster.Names[node]} lacks acknowledged transaction at height {result.Height}");
            }
        }

        output.WriteLine($"(e) {acknowledged.Count} transactions acknowledged through the run, every one on each of the four remaining nodes");
    }

    /// <summary>Registers parcels one after another through the land registry's node until stopped.</summary>
    private async Task LoadAsync(List<TransactionResult> acknowledged, CancellationToken stop)
    {
        var client = _cluster.Client(Registry);
        var registrar = await client.CreateSignerAsync(_cluster.Registrar);
        using var owner = KeyPair.Generate();
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var result = await client.ExecuteAsync(registrar, LandRegistry.RegisterParcel($"M-{i:D5}", owner.PublicKey, new byte[32], 100), cancellationToken: CancellationToken.None);
            Assert.True(result.Receipt.Code == 0, result.Receipt.Message);
            lock (acknowledged)
            {
                acknowledged.Add(result);
            }
        }
    }

    /// <summary>Proposes through the first node, approves through the others; returns the approval that executed it.</summary>
    private async Task<TransactionResult> GovernAsync(GovernanceAction action, int[] departments)
    {
        TransactionResult? last = null;
        ulong proposal = 0;
        foreach (var node in departments)
        {
            var signer = await AdminAsync(node);
            var id = _cluster.Names[node];
            var call = last is null ? SystemCalls.Propose(id, action) : SystemCalls.Approve(proposal, id);
            last = await _cluster.Client(node).ExecuteAsync(signer, call);
            Assert.True(last.Receipt.Code == 0, $"{id}: {last.Receipt.Message}");
            var outcome = ProposalOutcome.Parser.ParseFrom(last.Receipt.Result);
            proposal = outcome.ProposalId;
            if (outcome.Executed)
            {
                return last;
            }
        }

        throw new InvalidOperationException($"proposal {proposal} did not execute with the approvals of {string.Join(", ", departments.Select(d => _cluster.Names[d]))}");
    }

    private async Task<TransactionSigner> AdminAsync(int node)
    {
        if (!_admins.TryGetValue(node, out var signer))
        {
            signer = await _cluster.Client(node).CreateSignerAsync(_cluster.Network.RoleHolder($"admin-{_cluster.Names[node]}").Key);
            _admins[node] = signer;
        }

        return signer;
    }

    /// <summary>The first height from <paramref name="from"/> whose certificate (read from node <paramref name="node"/>) carries <paramref name="key"/>'s precommit.</summary>
    private async Task<ulong> WaitForSignatureAsync(int node, byte[] key, ulong from)
    {
        var deadline = DateTime.UtcNow + Limit;
        var height = from;
        while (DateTime.UtcNow < deadline)
        {
            if (await _cluster.HeightAsync(node) < height)
            {
                await Task.Delay(100);
                continue;
            }

            if (await SignedAsync(node, key, height))
            {
                return height;
            }

            height++;
        }

        throw _cluster.Failure($"no certificate from height {from} to {height} carries the key {Convert.ToHexStringLower(key)[..16]}…");
    }

    private async Task<bool> SignedAsync(int node, byte[] key, ulong height)
    {
        var block = await _cluster.Client(node).GetBlockAsync(height);
        return block is not null && block.Certificate.Signatures.Any(s => s.Validator.Span.SequenceEqual(key));
    }

    /// <summary>The longest time between consecutive block times from <paramref name="from"/> to <paramref name="to"/>, in milliseconds.</summary>
    private async Task<long> LongestGapAsync(ulong from, ulong to)
    {
        long longest = 0;
        long? previous = null;
        for (var h = Math.Max(1, from); h <= to; h++)
        {
            var block = await _cluster.Client(Registry).GetBlockAsync(h);
            var time = block!.Block.Header.TimeUnixMs;
            if (previous is { } p)
            {
                longest = Math.Max(longest, time - p);
            }

            previous = time;
        }

        return longest;
    }

    private void EditConfig(int node, Action<JsonObject> edit)
    {
        var file = _cluster.Folder.ConfigFile(_cluster.Names[node]);
        var config = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        edit(config);
        File.WriteAllText(file, config.ToJsonString());
    }
}
