using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using GovChain.Client;

namespace GovChain.LoadGen.Abuse;

/// <summary>
/// The abuser in a process of its own, as it would be on its own machine: its client work
/// (calls, TLS, held streams) runs on its own thread pool, not on the node's, and competes with
/// the node only for the machine's cores. The parent starts it, waits for "ready", and stops it
/// with a line on its standard input; it then prints its outcome counts and exits.
/// </summary>
internal static class AbuserProcess
{
    public const string Mode = "--abuser-process";
    private const string Ready = "ready";

    /// <summary>The child's side: <c>--abuser-process URI CERT-DER-FILE CHAIN-ID LOCAL-ADDRESS</c>.</summary>
    public static async Task<int> MainAsync(string[] args, CancellationToken ct)
    {
        if (args.Length != 4)
        {
            Console.Error.WriteLine($"usage: GovChain.LoadGen {Mode} URI CERT-DER-FILE CHAIN-ID LOCAL-ADDRESS");
            return 2;
        }

        var options = new GovChainChannelOptions
        {
            TrustedServerCertificates = [X509CertificateLoader.LoadCertificate(await File.ReadAllBytesAsync(args[1], ct).ConfigureAwait(false))],
            LocalAddress = IPAddress.Parse(args[3]),
        };
        await using var abuser = new Abuser(new Uri(args[0]), options, args[2]);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = abuser.RunAsync(stop.Token);
        Console.WriteLine(Ready);
        await Console.In.ReadLineAsync(ct).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await running.ConfigureAwait(false);
        abuser.PrintCounts();
        return 0;
    }

    /// <summary>The parent's side: starts the abuser and returns once it is flooding.</summary>
    public static async Task<Process> StartAsync(Uri node, X509Certificate2 certificate, string chainId, IPAddress local, string folder, CancellationToken ct)
    {
        var certFile = Path.Combine(folder, "abuser-trust.der");
        await File.WriteAllBytesAsync(certFile, certificate.RawData, ct).ConfigureAwait(false);
        var info = new ProcessStartInfo(CliLocator.DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { typeof(AbuserProcess).Assembly.Location, Mode, node.ToString(), certFile, chainId, local.ToString() })
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("the abuser process did not start");
        ChildProcesses.Track(process);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(TimeSpan.FromMinutes(2));
        while (await process.StandardOutput.ReadLineAsync(bound.Token).ConfigureAwait(false) is { } line)
        {
            if (line == Ready)
            {
                return process;
            }
        }

        throw new InvalidOperationException("the abuser process exited before it was ready");
    }

    /// <summary>Stops the abuser and prints what it counted; kills it if it does not exit in time.</summary>
    public static async Task StopAsync(Process process)
    {
        try
        {
            await process.StandardInput.WriteLineAsync("stop").ConfigureAwait(false);
            await process.StandardInput.FlushAsync().ConfigureAwait(false);
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            Console.Write(await process.StandardOutput.ReadToEndAsync(bound.Token).ConfigureAwait(false));
            await process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            Console.WriteLine($"the abuser process did not stop cleanly ({ex.GetType().Name}); killed");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            ChildProcesses.Forget(process);
            process.Dispose();
        }
    }
}
