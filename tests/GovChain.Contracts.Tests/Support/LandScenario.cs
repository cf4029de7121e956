using GovChain.Contracts.Engine;
using GovChain.Core.Crypto;
using GovChain.Core.State;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using GovChain.Protocol.Land;

namespace GovChain.Contracts.Tests.Support;

/// <summary>One random land operation: what, on which parcel, signed by whom, naming whom.</summary>
public sealed record LandOp(int Kind, int Parcel, int Actor, int Target)
{
    public const int Kinds = 9;

    /// <summary>Kind meaning "the next step of a transfer": offer, accept or approve, whichever is due.</summary>
    public const int Advance = 8;

    /// <summary>Actor values at or above this mean "the party the rules expect", so runs reach deep states.</summary>
    public const int NaturalActor = 6;

    public override string ToString() => $"{Kind}/{Parcel}/{Actor}/{Target}";
}

/// <summary>
/// Turns random <see cref="LandOp"/>s into signed transactions on a chain with three parcels
/// and six actors (four citizens, the registrar, the bank).
/// </summary>
public sealed class LandScenario
{
    public static readonly string[] ParcelIds = ["P-0", "P-1", "P-2"];
    private static readonly byte[] Deed = Enumerable.Repeat((byte)0xAB, 32).ToArray();
    private readonly TestChain _chain;
    private readonly Dictionary<string, ulong> _nonces = new(StringComparer.Ordinal);

    public LandScenario(TestChain chain)
    {
        _chain = chain;
        Actors = [chain.Key(900), chain.Key(901), chain.Key(902), chain.Key(903), chain.Registrar, chain.Bank];
        for (var i = 0; i < ParcelIds.Length; i++)
        {
            chain.Ok(chain.Registrar, LandCalls.RegisterParcel(ParcelIds[i], Actors[i].PublicKey, Deed, 100));
        }
    }

    public KeyPair[] Actors { get; }

    public Parcel? Parcel(IStateReader state, int index)
    {
        var r = _chain.Engine.Query(state, ContractNames.Land, LandMethods.GetParcel, LandCalls.GetParcel(ParcelIds[index]).EncodedArgs);
        return r.IsSuccess ? Protocol.Land.Parcel.Parser.ParseFrom(r.Result) : null;
    }

    /// <summary>
    /// Replays a parcel's history as a model: every transfer goes from the current owner to
    /// the buyer who accepted the pending offer, and the model ends at the stored owner.
    /// </summary>
    public bool HistoryConsistent(IStateReader state, int index)
    {
        var parcel = Parcel(state, index)!;
        var entries = new List<ParcelHistoryEntry>();
        while ((ulong)entries.Count < parcel.HistoryLength)
        {
            var args = LandCalls.GetHistory(ParcelIds[index], (ulong)entries.Count).EncodedArgs;
            var page = ParcelHistoryPage.Parser.ParseFrom(_chain.Engine.Query(state, ContractNames.Land, LandMethods.GetHistory, args).Result);
            entries.AddRange(page.Entries);
        }

        string? owner = null;
        string? buyer = null;
        var accepted = false;
        foreach (var e in entries)
        {
            var from = Convert.ToHexStringLower(e.FromOwner.Span);
            var to = Convert.ToHexStringLower(e.ToOwner.Span);
            switch (e.Kind)
            {
                case ParcelHistoryKind.Registered:
                    owner = to;
                    break;
                case ParcelHistoryKind.TransferOffered:
                    (buyer, accepted) = (e.Detail, false);
                    break;
                case ParcelHistoryKind.TransferAccepted:
                    if (buyer != e.Detail) return false;
                    accepted = true;
                    break;
                case ParcelHistoryKind.TransferCancelled:
                    (buyer, accepted) = (null, false);
                    break;
                case ParcelHistoryKind.Transferred:
                    if (!accepted || from != owner || to != buyer) return false;
                    (owner, buyer, accepted) = (to, null, false);
                    break;
            }

            if (e.Kind != ParcelHistoryKind.Transferred && (from != owner || to != owner))
            {
                return false;
            }
        }

        return owner == Convert.ToHexStringLower(parcel.Owner.Span);
    }

    /// <summary>Replaces <see cref="LandOp.Advance"/> by the transfer step the parcel is waiting for.</summary>
    public static LandOp Resolve(LandOp op, Parcel parcel)
    {
        if (op.Kind != LandOp.Advance)
        {
            return op;
        }

        var kind = parcel.Offer is null ? 0 : parcel.Offer.Accepted ? 2 : 1;
        return op with { Kind = kind };
    }

    /// <summary>The signer chosen for <paramref name="op"/> given the parcel as it is now.</summary>
    public KeyPair Signer(LandOp op, Parcel parcel)
    {
        if (op.Actor < LandOp.NaturalActor)
        {
            return Actors[op.Actor];
        }

        return op.Kind switch
        {
            0 or 4 => ActorOf(parcel.Owner),
            1 => parcel.Offer is null ? Actors[0] : ActorOf(parcel.Offer.Buyer),
            2 or 7 => _chain.Registrar,
            _ => _chain.Bank,
        };
    }

    public ContractCall Call(LandOp op, Parcel parcel)
    {
        var id = ParcelIds[op.Parcel];
        return op.Kind switch
        {
            0 => LandCalls.OfferTransfer(id, Buyer(op, parcel).PublicKey, 10),
            1 => LandCalls.AcceptTransfer(id),
            2 => LandCalls.ApproveTransfer(id),
            3 => LandCalls.RegisterLien(id, "L" + (op.Target % 2), 5),
            4 => LandCalls.CancelTransfer(id),
            5 => LandCalls.ReleaseLien(id, "L" + (op.Target % 2)),
            6 => LandCalls.RegisterLien(id, "L" + (op.Target % 2), 5),
            _ => LandCalls.RegisterParcel(id, Actors[op.Target].PublicKey, Deed, 1),
        };
    }

    /// <summary>Signs with locally tracked nonces, so several transactions of one signer fit in a block.</summary>
    public VerifiedTransaction Tx(KeyPair signer, ContractCall call, IStateReader state)
    {
        var hex = Convert.ToHexStringLower(signer.PublicKey);
        if (!_nonces.TryGetValue(hex, out var next))
        {
            next = ContractEngine.NextNonce(state, signer.PublicKey);
        }

        _nonces[hex] = next + 1;
        return TestChain.Verify(call.Sign(TestChain.ChainId, signer, next));
    }

    /// <summary>Whether the signer has the standing the operation needs (role or ownership), ignoring record state.</summary>
    public bool HasStanding(LandOp op, KeyPair signer, Parcel before)
    {
        var key = signer.PublicKey;
        return op.Kind switch
        {
            0 => before.Owner.Span.SequenceEqual(key),
            1 => before.Offer is not null && before.Offer.Buyer.Span.SequenceEqual(key),
            2 or 7 => ReferenceEquals(signer, _chain.Registrar),
            3 or 5 or 6 => ReferenceEquals(signer, _chain.Bank),
            _ => before.Owner.Span.SequenceEqual(key) || (before.Offer is not null && before.Offer.Buyer.Span.SequenceEqual(key)) || ReferenceEquals(signer, _chain.Registrar),
        };
    }

    public static bool OnlyNonceChanged(StateChanges changes, KeyPair signer)
    {
        var expected = "nonce/" + Convert.ToHexStringLower(signer.PublicKey);
        return changes.Sorted().All(c => System.Text.Encoding.UTF8.GetString(c.Key) == expected);
    }

    /// <summary>Target 0 offers the parcel to its own owner (refused); others pick another citizen.</summary>
    private KeyPair Buyer(LandOp op, Parcel parcel)
    {
        var owner = Array.FindIndex(Actors, a => parcel.Owner.Span.SequenceEqual(a.PublicKey));
        return op.Target == 0 || owner < 0 ? Actors[Math.Max(owner, 0)] : Actors[(owner + op.Target) % 4];
    }

    private KeyPair ActorOf(Google.Protobuf.ByteString key) => Actors.First(a => key.Span.SequenceEqual(a.PublicKey));
}
