using System.Diagnostics;
using System.Reflection;

namespace GovChain.Interop.Tests;

/// <summary>Runs the grpc-js scripts with Node.js, bounded in time, and says clearly what is missing when it cannot.</summary>
public static class NodeRunner
{
    public static string JsDirectory { get; } = Metadata("InteropJsDirectory");

    /// <summary>Throws with the set-up command to run when Node.js or the npm packages are missing.</summary>
    public static void EnsureAvailable()
    {
        if (!Directory.Exists(Path.Combine(JsDirectory, "node_modules", "@grpc", "grpc-js"))
            || !Directory.Exists(Path.Combine(JsDirectory, "node_modules", "@grpc", "proto-loader")))
        {
            throw new InvalidOperationException(
                $"The npm packages @grpc/grpc-js and @grpc/proto-loader are not installed in {JsDirectory}/node_modules. " +
                "Run `bash scripts/setup.sh --npm` (it runs `npm install` there) and try again.");
        }

        try
        {
            using var probe = Process.Start(StartInfo("--version"))!;
            if (!probe.WaitForExit(15_000) || probe.ExitCode != 0)
            {
                throw new InvalidOperationException("`node --version` did not succeed; the interop tests need Node.js 18 or later on PATH.");
            }
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("Node.js (`node`) is not on PATH; the interop tests need Node.js 18 or later.", ex);
        }
    }

    /// <summary>Runs a script to completion and returns its standard output; fails on a non-zero exit or after the timeout.</summary>
    public static async Task<string> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        EnsureAvailable();
        using var process = Process.Start(StartInfo(arguments))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {string.Join(' ', arguments)} did not finish within {timeout}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}");
        }

        return (await stdout).Trim();
    }

    /// <summary>Starts a long-running script; it ends when its standard input is closed (see <see cref="NodeProcess"/>).</summary>
    public static Process Start(params string[] arguments)
    {
        EnsureAvailable();
        return Process.Start(StartInfo(arguments))!;
    }

    private static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = JsDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    private static string Metadata(string key) =>
        typeof(NodeRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
