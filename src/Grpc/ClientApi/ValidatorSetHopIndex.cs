using GovChain.Core.Hashing;
using GovChain.Grpc.Server;
using GovChain.Protocol;
using GovChain.Storage;
using Grpc.Core;

namespace GovChain.Grpc.ClientApi;

/// <summary>
/// The certified validator-set changes of the chain, for proofs that verify against genesis
/// alone: every block whose header names a next set other than its own, with its certificate
/// and that next set. Found by reading each committed header once (the first proof after a
/// start reads them all, later ones only the new blocks) and kept in memory: a chain changes
/// its validators a handful of times a year.
/// </summary>
internal sealed class ValidatorSetHopIndex
{
    private readonly NodeDatabase _db;
    private readonly ValidatorSetResolver _sets;
    private readonly List<ValidatorSetHop> _hops = [];
    private readonly Lock _gate = new();
    private ulong _scanned;

    public ValidatorSetHopIndex(NodeDatabase db, ValidatorSetResolver sets)
    {
        _db = db;
        _sets = sets;
    }

    /// <summary>The changes below <paramref name="height"/>, oldest first: what a proof of that block carries.</summary>
    public IReadOnlyList<ValidatorSetHop> Before(ulong height)
    {
        lock (_gate)
        {
            CatchUp(Math.Min(height, _db.Blocks.LastHeight));
            var hops = new List<ValidatorSetHop>();
            foreach (var hop in _hops)
            {
                if (hop.Header.Height >= height)
                {
                    break;
                }

                hops.Add(hop);
            }

            return hops;
        }
    }

    private void CatchUp(ulong to)
    {
        for (var h = _scanned + 1; h <= to; h++)
        {
            var header = _db.Blocks.GetHeader(h) ?? throw RpcErrors.Of(StatusCode.Internal, $"the header of committed block {h} is missing");
            if (!header.NextValidatorSetHash.Equals(header.ValidatorSetHash))
            {
                _hops.Add(HopAt(header));
            }

            _scanned = h;
        }
    }

    private ValidatorSetHop HopAt(BlockHeader header)
    {
        var certificate = _db.Blocks.GetCertificate(header.Height)
            ?? throw RpcErrors.Of(StatusCode.Internal, $"the certificate of committed block {header.Height} is missing");

        // The next set is the one the following block names; the resolver finds it in the state around that height.
        var next = _sets.Find(new BlockHeader { Height = header.Height + 1, ValidatorSetHash = header.NextValidatorSetHash })
            ?? throw RpcErrors.Of(
                StatusCode.FailedPrecondition,
                $"the validator set that took over after block {header.Height} ({(Hash32.TryFrom(header.NextValidatorSetHash.Span, out var hash) ? hash.ToShortString() : "?")}) " +
                "is no longer in this node's state (pruned), so proofs past it cannot carry their validator-set changes; ask a node that keeps the full state");
        return new ValidatorSetHop { Header = header, Certificate = certificate, NextValidators = next.ToProto() };
    }
}
