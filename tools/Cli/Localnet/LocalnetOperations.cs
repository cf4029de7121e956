using GovChain.Cli.Infrastructure;
using GovChain.Core.Genesis;

namespace GovChain.Cli.Localnet;

/// <summary>The work of <c>localnet up | down | status</c>, shared with the demo.</summary>
internal static class LocalnetOperations
{
    public static readonly TimeSpan ReadyBound = TimeSpan.FromSeconds(60);

    /// <summary>"4" means the first four default departments (then dept-5, ...); otherwise a comma-separated list.</summary>
    public static IReadOnlyList<string> ResolveDepartments(string? spec)
    {
        if (int.TryParse(spec, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count))
        {
            if (count is < 1 or > 64)
            {
                throw new CliError("--departments: a network has 1 to 64 departments");
            }

            var defaults = NetworkInitializer.DefaultDepartments;
            return Enumerable.Range(0, count).Select(i => i < defaults.Length ? defaults[i] : $"dept-{i + 1}").ToArray();
        }

        return Commands.NetworkCommand.ParseDepartments(spec);
    }

    /// <summary>Starts every node of the folder and waits (bounded) until each answers; on failure stops what it started.</summary>
    public static async Task<IReadOnlyList<(ManifestDepartment Department, int Pid)>> UpAsync(NetworkLayout layout, Action<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var manifest = layout.ReadManifest();
        var pinned = NodeClients.PinnedCertificates(LoadGenesis(layout));
        var started = new List<(ManifestDepartment, int)>();
        try
        {
            foreach (var d in manifest.Departments)
            {
                var pid = NodeProcesses.Start(layout, d.Id);
                started.Add((d, pid));
                progress?.Invoke($"{d.Id}: started, PID {pid}, log {Path.GetRelativePath(layout.Root, layout.LogFile(d.Id))}");
            }

            await Task.WhenAll(manifest.Departments.Select(d => NodeProcesses.WaitReadyAsync(layout, d, pinned, ReadyBound, cancellationToken))).ConfigureAwait(false);
            return started;
        }
        catch
        {
            await DownAsync(layout, null).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops every recorded node (SIGTERM, then SIGKILL after a bound); returns the departments stopped.</summary>
    public static async Task<IReadOnlyList<string>> DownAsync(NetworkLayout layout, Action<string>? progress)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var manifest = layout.ReadManifest();
        var stops = manifest.Departments.Select(async d =>
        {
            var stopped = await NodeProcesses.StopAsync(layout, d.Id, NodeProcesses.DefaultStopBound).ConfigureAwait(false);
            progress?.Invoke(stopped ? $"{d.Id}: stopped" : $"{d.Id}: was not running");
            return stopped ? d.Id : null;
        });
        var results = await Task.WhenAll(stops).ConfigureAwait(false);
        return results.Where(r => r is not null).ToArray()!;
    }

    public static GenesisDocument LoadGenesis(NetworkLayout layout, string? file = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        file ??= layout.GenesisFile;
        if (!File.Exists(file))
        {
            throw new CliError($"genesis file '{file}' does not exist");
        }

        try
        {
            return GenesisDocument.Load(file);
        }
        catch (GenesisValidationException ex)
        {
            throw new CliError(ex.Message);
        }
    }
}
