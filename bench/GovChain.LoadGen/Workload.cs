using System.Collections.Frozen;
using GovChain.Client;
using GovChain.Client.Registries;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;

namespace GovChain.LoadGen;

/// <summary>
/// Pre-signed land transactions. Set-up: registrars register one parcel per owner. Measured
/// phase: each owner alternately offers its parcel for transfer and cancels the offer, a nonce
/// chain per owner; transaction i belongs to owner i mod owners, so each round of owners is
/// submitted before the next nonce of any of them and the chains never wait on each other.
/// </summary>
internal sealed class Workload : IDisposable
{
    private readonly KeyPair[] _owners;

    private Workload(KeyPair[] owners, SignedTransaction[] setup, SignedTransaction[] measured)
    {
        _owners = owners;
        Setup = setup;
        Measured = measured;
    }

    public const string Description = "land offer_transfer / cancel_transfer by the parcel owner (one transaction each, alternating per owner)";

    public SignedTransaction[] Setup { get; }

    public SignedTransaction[] Measured { get; }

    public int Owners => _owners.Length;

    /// <summary>The node an owner's transactions go to: one node per sender keeps its nonce chain in one mempool first.</summary>
    public int NodeOf(int index, int nodes) => index % _owners.Length % nodes;

    public static Workload Create(string chainId, IReadOnlyList<KeyPair> registrars, int owners, int measuredCount)
    {
        var ownerKeys = new KeyPair[owners];
        Parallel.For(0, owners, k => ownerKeys[k] = KeyPair.Generate());

        var setup = new SignedTransaction[owners];
        Parallel.For(0, owners, k =>
        {
            var registrar = registrars[k % registrars.Count];
            var nonce = (ulong)(k / registrars.Count) + 1;
            var call = LandRegistry.RegisterParcel(ParcelId(k), ownerKeys[k].PublicKey, new byte[32], 100 + (ulong)k);
            setup[k] = TransactionCodec.Sign(call.ToBody(chainId, registrar.PublicKey, nonce), registrar);
        });

        var buyer = new byte[32];
        Ed25519.RandomBytes(buyer);
        var measured = new SignedTransaction[measuredCount];
        Parallel.For(0, measuredCount, i =>
        {
            var k = i % owners;
            var round = i / owners;
            var call = round % 2 == 0 ? LandRegistry.OfferTransfer(ParcelId(k), buyer, 1000 + (ulong)round) : LandRegistry.CancelTransfer(ParcelId(k));
            measured[i] = TransactionCodec.Sign(call.ToBody(chainId, ownerKeys[k].PublicKey, (ulong)round + 1), ownerKeys[k]);
        });

        return new Workload(ownerKeys, setup, measured);
    }

    public static FrozenDictionary<Hash32, int> IndexById(SignedTransaction[] txs)
    {
        var ids = new Hash32[txs.Length];
        Parallel.For(0, txs.Length, i => ids[i] = txs[i].Id());
        var map = new Dictionary<Hash32, int>(txs.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            map[ids[i]] = i;
        }

        return map.ToFrozenDictionary();
    }

    public void Dispose()
    {
        foreach (var owner in _owners)
        {
            owner.Dispose();
        }
    }

    private static string ParcelId(int k) => $"LG-{k:D6}";
}
