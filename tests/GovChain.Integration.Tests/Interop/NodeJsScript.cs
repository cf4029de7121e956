using System.Diagnostics;
using System.Text;

namespace GovChain.Integration.Tests.Interop;

/// <summary>
/// Runs a script of the grpc-js interop folder (tests/GovChain.Interop.Tests/js) with Node.js as a
/// child process, bounded in time, found from the repository root at run time: the first folder
/// above the test's base directory that holds proto/govchain/v1.
/// </summary>
internal static class NodeJsScript
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string ProtoRoot => Path.Combine(RepositoryRoot, "proto");

    public static string JsDirectory => Path.Combine(RepositoryRoot, "tests", "GovChain.Interop.Tests", "js");

    /// <summary>
    /// Runs <c>node script arguments...</c> with <paramref name="environment"/> added and returns its standard
    /// output; throws with the script's standard error when it fails, and kills it when it overruns.
    /// </summary>
    public static async Task<string> RunAsync(string script, IReadOnlyDictionary<string, string> environment, TimeSpan limit, params string[] arguments)
    {
        // A script given by its full path (such as the public page's browser test) brings its own packages.
        if (!Path.IsPathRooted(script))
        {
            EnsureInstalled();
        }

        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = JsDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Path.Combine(JsDirectory, script));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = StartOrExplain(info);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"node {script} did not finish within {limit}; it said: {await stderr}");
        }

        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} exited with {process.ExitCode}: {await stderr}\n{output}");
        }

        return output.Trim();
    }

    private static void EnsureInstalled()
    {
        foreach (var package in new[] { "grpc-js", "proto-loader" })
        {
            if (!Directory.Exists(Path.Combine(JsDirectory, "node_modules", "@grpc", package)))
            {
                throw new InvalidOperationException(
                    $"The npm package @grpc/{package} is not installed in {JsDirectory}/node_modules. " +
                    "Run `bash scripts/setup.sh --npm` (it runs `npm install` there) and try again.");
            }
        }
    }

    private static Process StartOrExplain(ProcessStartInfo info)
    {
        try
        {
            return Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("Node.js (`node`) is not on PATH; the interop tests need Node.js 18 or later.", ex);
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "proto", "govchain", "v1")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds proto/govchain/v1.");
    }
}
