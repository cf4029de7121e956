using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using GovChain.Core.Credentials;
using GovChain.Core.Crypto;
using GovChain.Node.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GovChain.Grpc.Hosting;

/// <summary>
/// <c>GET /credentials/status/{list}</c>: the identity registry's revocation bits at the
/// node's committed height as a W3C Bitstring Status List credential, the list every exported
/// VC's <c>credentialStatus</c> points to. The bits are chain state (set by
/// <c>identity.revoke_credential</c>), so every node serves the same list; the node signs it
/// with its department's validator key (issuer: that key's <c>did:key</c>), the only key a
/// node holds. A verifier who wants more than the node's word checks that key against the
/// genesis or the <c>system</c> contract's validator set, or asks a state proof of the pages.
/// </summary>
public static class CredentialStatusEndpoints
{
    private const int MaxListDigits = 20;
    private const int MaxCachedLists = 16;

    public static void Map(IEndpointRouteBuilder app, GovChainNode node)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(node);
        var cache = new SignedListCache(MaxCachedLists);
        app.MapGet(VerifiableCredentials.StatusPath + "/{list}", (string list, HttpRequest request) =>
        {
            if (list.Length > MaxListDigits || !ulong.TryParse(list, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return Results.Text("a status list is named by its number\n", "text/plain", statusCode: StatusCodes.Status400BadRequest);
            }

            if (node.Identity.ValidatorKey is not { } key)
            {
                return Results.Text("this node holds no department key to sign status lists\n", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            if (!request.Host.HasValue)
            {
                return Results.Text("the request names no host\n", "text/plain", statusCode: StatusCodes.Status400BadRequest);
            }

            var height = node.Database.State.Height;
            var state = node.Database.State.At(height);
            var assigned = state.Get(RecordKeys.CredentialStatusSequence()) is { Length: 8 } seq ? BinaryPrimitives.ReadUInt64BigEndian(seq) : 0;
            if (number > CredentialStatusLayout.ListOf(assigned))
            {
                return Results.Text($"no status list {number}: the registry has assigned indexes up to {assigned}\n", "text/plain", statusCode: StatusCodes.Status404NotFound);
            }

            // The id is the address it was fetched from, as the credentials point to it.
            var url = $"{request.Scheme}://{request.Host.Value}{VerifiableCredentials.StatusPath}/{number.ToString(CultureInfo.InvariantCulture)}";
            var body = cache.GetOrAdd((number, height, url), () => Sign(state, number, url, key));
            return Results.Bytes(body, "application/vc+ld+json");
        });
    }

    private static byte[] Sign(Core.State.IStateReader state, ulong list, string url, KeyPair key)
    {
        var bits = new byte[CredentialStatusLayout.ListBits / 8];
        var first = list * CredentialStatusLayout.PagesPerList;
        for (var p = 0; p < CredentialStatusLayout.PagesPerList; p++)
        {
            if (state.Get(RecordKeys.CredentialStatusPage(first + (ulong)p)) is { Length: CredentialStatusLayout.PageBytes } page)
            {
                page.CopyTo(bits, p * CredentialStatusLayout.PageBytes);
            }
        }

        var unsigned = StatusListCredential.Build(url, DidKey.Of(key.PublicKey), bits);
        return JsonSerializer.SerializeToUtf8Bytes(EddsaJcs2022.Sign(unsigned, key));
    }

    // Signing and compressing once per list, height and address, not once per request; bounded.
    private sealed class SignedListCache(int capacity)
    {
        private readonly Dictionary<(ulong List, ulong Height, string Url), byte[]> _entries = [];
        private readonly Lock _lock = new();

        public byte[] GetOrAdd((ulong List, ulong Height, string Url) key, Func<byte[]> create)
        {
            lock (_lock)
            {
                if (_entries.TryGetValue(key, out var cached))
                {
                    return cached;
                }
            }

            var created = create();
            lock (_lock)
            {
                if (_entries.Count >= capacity)
                {
                    _entries.Clear();
                }

                _entries[key] = created;
            }

            return created;
        }
    }
}
