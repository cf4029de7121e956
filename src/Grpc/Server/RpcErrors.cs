using Grpc.Core;

namespace GovChain.Grpc.Server;

/// <summary>The one shape every refusal of this edge takes: a status code and a reason a person can act on.</summary>
public static class RpcErrors
{
    public static RpcException Of(StatusCode code, string detail) => new(new Status(code, detail));
}
