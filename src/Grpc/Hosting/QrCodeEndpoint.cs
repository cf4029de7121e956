using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GovChain.Grpc.Hosting;

/// <summary>
/// <c>GET /public/qr.svg?text=...</c>: a QR code of a short text (the public page asks for
/// the link to the record it shows), so the page needs no QR library of its own.
/// </summary>
public static class QrCodeEndpoint
{
    public const string Path = "/public/qr.svg";

    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(Path, (HttpRequest request) =>
        {
            // Counted before anything is rendered; a repeated parameter is refused, not joined.
            var values = request.Query["text"];
            var text = values.Count == 1 ? values[0] : null;
            if (values.Count > 1)
            {
                return Results.Text("give the text once\n", "text/plain", statusCode: StatusCodes.Status400BadRequest);
            }

            if (QrCodes.Problem(text) is { } problem)
            {
                return Results.Text(problem + "\n", "text/plain", statusCode: StatusCodes.Status400BadRequest);
            }

            return Results.Text(QrCodes.Svg(text!), "image/svg+xml; charset=utf-8");
        });
    }
}
