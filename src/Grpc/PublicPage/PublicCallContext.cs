using Grpc.Core;

namespace GovChain.Grpc.PublicPage;

/// <summary>
/// The call context the public page's JSON endpoint hands the client API's read methods, so both
/// answer from one implementation with one set of checks. Those methods read only the request;
/// this context carries the HTTP request's abort token and nothing a caller could rely on.
/// </summary>
internal sealed class PublicCallContext : ServerCallContext
{
    private readonly CancellationToken _cancellation;

    public PublicCallContext(CancellationToken cancellation) => _cancellation = cancellation;

    protected override string MethodCore => "public-page";

    protected override string HostCore => string.Empty;

    protected override string PeerCore => string.Empty;

    protected override DateTime DeadlineCore => DateTime.MaxValue;

    protected override Metadata RequestHeadersCore { get; } = [];

    protected override CancellationToken CancellationTokenCore => _cancellation;

    protected override Metadata ResponseTrailersCore { get; } = [];

    protected override Status StatusCore { get; set; }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore { get; } = new(null, []);

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        throw new NotSupportedException("the public page makes no onward calls");

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}
