using System.Net;
using System.Net.Http.Headers;

namespace GovChain.Rpc.Tests;

/// <summary>
/// Sends hand-made HTTP/2 requests, to test what the server does with bytes a correct client
/// would never send.
/// </summary>
public static class RawGrpcClient
{
    public sealed record Result(HttpStatusCode HttpStatus, string? GrpcStatus, string? GrpcMessage, byte[] Body);

    public static async Task<Result> PostAsync(Uri address, string path, byte[] body, params (string Key, string Value)[] headers)
    {
        using var handler = new SocketsHttpHandler();
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (key, value) in headers)
        {
            if (key == "content-type")
            {
                request.Content.Headers.Remove(key);
                request.Content.Headers.TryAddWithoutValidation(key, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(key, value);
            }
        }

        using var response = await client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return new Result(
            response.StatusCode,
            Find(response, "grpc-status"),
            Find(response, "grpc-message"),
            bytes);
    }

    /// <summary>A gRPC frame around <paramref name="payload"/>, with the given flag and declared length.</summary>
    public static byte[] Frame(byte[] payload, byte flag = 0, uint? declaredLength = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), declaredLength ?? (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    private static string? Find(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var inHeaders) ? inHeaders.ToString()
        : response.TrailingHeaders.NonValidated.TryGetValues(name, out var inTrailers) ? inTrailers.ToString()
        : null;
}
