using System.Text;
using GovChain.Grpc.ClientApi;
using GovChain.Grpc.Server;
using GovChain.Node.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GovChain.Grpc.PublicPage;

/// <summary>
/// Maps the citizens' page on the client endpoint: GET /public/ (the embedded page), and the
/// read-only JSON API under /public/api/ that the page reads. A plain JSON endpoint rather than
/// gRPC-Web: a browser reads it with fetch() and no generated stubs, a citizen can open it, and
/// it returns proofs as the same document <c>govchain proof get</c> saves, so the page's one
/// verifier checks what it fetched and what was dropped onto it alike. Every request takes a
/// slot of the client API's per-client limits (calls per second and calls in progress).
/// </summary>
public static class PublicPageEndpoints
{
    public const string BasePath = "/public";

    private const string Security = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

    internal static void MapPublicPage(this WebApplication app, GovChainNode node, ClientApiService clientApi, ClientCallLimiter limiter)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = new PublicApi(node, clientApi);
        var group = app.MapGroup(BasePath);
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            using var lease = limiter.TryStartCall(ClientCallLimiter.Normalize(http.Connection.RemoteIpAddress), out var refusal, out var limit);
            if (lease is null)
            {
                http.Response.Headers[ClientCallLimiter.LimitTrailer] = limit;
                http.Response.Headers.RetryAfter = "1";
                return PublicApi.Refuse(StatusCodes.Status429TooManyRequests, refusal.Detail);
            }

            http.Response.Headers.ContentSecurityPolicy = Security;
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.CacheControl = "no-store";
            return await next(context).ConfigureAwait(false);
        });

        // The page's files are named relative to it, so "/public" goes to "/public/".
        group.MapGet("/", (HttpRequest request) => request.Path.Value?.EndsWith('/') == true
            ? Asset("index.html")
            : Results.Redirect(BasePath + "/"));
        // Only the embedded names are served (PublicAssets); no regex constraint, which the slim host does not register.
        group.MapGet("/{file}", (string file) => Asset(file));
        group.MapGet("/node-genesis.js", () => Results.Text(
            "window.GOVCHAIN_NODE_GENESIS = " + api.GenesisJson() + ";\n", "text/javascript; charset=utf-8", Encoding.UTF8));
        group.MapGet("/api/status", api.Status);
        group.MapGet("/api/genesis", () => Results.Text(api.GenesisJson(), "application/json; charset=utf-8", Encoding.UTF8));
        group.MapGet("/api/state", (Func<HttpContext, Task<IResult>>)api.StateProof);
        group.MapGet("/api/tx", (Func<HttpContext, Task<IResult>>)api.TransactionProof);
        group.MapGet("/api/blocks", api.Blocks);
        group.MapGet("/api/block", api.Block);
    }

    private static IResult Asset(string name) =>
        PublicAssets.TryGet(name, out var content, out var type)
            ? Results.Bytes(content, type)
            : PublicApi.Refuse(StatusCodes.Status404NotFound, $"the page has no file {name}");
}
