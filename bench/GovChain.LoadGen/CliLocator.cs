namespace GovChain.LoadGen;

/// <summary>Finds govchain.dll, the CLI whose <c>node run</c> hosts each node process.</summary>
internal static class CliLocator
{
    /// <summary>
    /// <paramref name="explicitPath"/> when given; otherwise the CLI's build output in the same
    /// configuration as this program (the project reference builds it first).
    /// </summary>
    public static string Find(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            var full = Path.GetFullPath(explicitPath);
            return File.Exists(full) ? full : throw new FileNotFoundException($"--cli: {full} does not exist", full);
        }

        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent?.Name ?? "Release";
        for (var dir = output; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GovChain.sln")))
            {
                var cli = Path.Combine(dir.FullName, "tools", "Cli", "bin", configuration, framework, "govchain.dll");
                return File.Exists(cli)
                    ? cli
                    : throw new FileNotFoundException($"the CLI is not built at {cli}: build tools/Cli -c {configuration}, or pass --cli PATH", cli);
            }
        }

        throw new FileNotFoundException($"no GovChain.sln above {AppContext.BaseDirectory}: pass --cli PATH to govchain.dll");
    }

    /// <summary>The dotnet host: the one the SDK names for child processes, else the one on PATH.</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
