using System.Reflection;

namespace GovChain.Client.Tests;

/// <summary>
/// What an agency's application takes in with the SDK: the standard gRPC client and the bundled
/// Core, never ASP.NET Core (a server framework) nor the node's own gRPC layer.
/// </summary>
public sealed class DependencyTests
{
    [Fact]
    public void Sdk_ReferencesGrpcNetClient_AndNoAspNetCoreOrOwnRpcAssembly_Transitively()
    {
        var seen = ReferenceClosure(typeof(GovChainClient).Assembly);

        Assert.Contains("Grpc.Net.Client", seen);
        Assert.Contains("GovChain.Core", seen);
        Assert.DoesNotContain(seen, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain("GovChain.Rpc", seen);
        Assert.DoesNotContain("GovChain.Node", seen);
    }

    [Fact]
    public void Sdk_PublicApi_UsesTheStandardGrpcTypes()
    {
        var constructors = typeof(GovChainClient).GetConstructors().Select(c => c.GetParameters()[0].ParameterType).ToList();

        Assert.Contains(typeof(global::Grpc.Net.Client.GrpcChannel), constructors);
        Assert.Contains(typeof(global::Grpc.Core.CallInvoker), constructors);
        Assert.Equal(typeof(global::Grpc.Core.RpcException), typeof(RetryAttempt).GetProperty(nameof(RetryAttempt.Error))!.PropertyType);
    }

    // Names of every assembly reachable from 'root' through references, the framework's own left out.
    private static HashSet<string> ReferenceClosure(Assembly root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<AssemblyName>([root.GetName()]);
        while (pending.TryPop(out var name))
        {
            if (name.Name is not { } simple || IsFramework(simple) || !seen.Add(simple))
            {
                continue;
            }

            foreach (var reference in Assembly.Load(name).GetReferencedAssemblies())
            {
                pending.Push(reference);
            }
        }

        return seen;
    }

    private static bool IsFramework(string name) =>
        name is "mscorlib" or "netstandard" || name.StartsWith("System", StringComparison.Ordinal) || name.StartsWith("Microsoft.Win32", StringComparison.Ordinal);
}
