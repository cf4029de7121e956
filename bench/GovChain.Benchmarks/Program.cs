using BenchmarkDotNet.Running;
using GovChain.Benchmarks.Core;

if (args.Length > 0 && args[0] == "--verify-ratio")
{
    return VerifyRatio.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 300);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
