using Google.Protobuf;
using GovChain.Core.Hashing;
using GovChain.Node.Mempool;
using GovChain.Protocol;

namespace GovChain.Grpc.Peers;

/// <summary>Admission outcomes to and from their wire form (an explicit map, so a renumbered enum cannot silently mismatch).</summary>
internal static class GossipAdmissions
{
    public static GossipAdmission ToWire(AdmissionResult result) => new()
    {
        Code = result.Code switch
        {
            AdmissionCode.Admitted => GossipAdmissionCode.Admitted,
            AdmissionCode.AlreadyKnown => GossipAdmissionCode.AlreadyKnown,
            AdmissionCode.Malformed => GossipAdmissionCode.Malformed,
            AdmissionCode.TooLarge => GossipAdmissionCode.TooLarge,
            AdmissionCode.WrongChain => GossipAdmissionCode.WrongChain,
            AdmissionCode.BadSignature => GossipAdmissionCode.BadSignature,
            AdmissionCode.NonceTooLow => GossipAdmissionCode.NonceTooLow,
            AdmissionCode.NonceTooHigh => GossipAdmissionCode.NonceTooHigh,
            AdmissionCode.NonceTaken => GossipAdmissionCode.NonceTaken,
            AdmissionCode.SenderFull => GossipAdmissionCode.SenderFull,
            AdmissionCode.PoolFull => GossipAdmissionCode.PoolFull,
            _ => GossipAdmissionCode.Malformed,
        },
        TxId = result.TxId.IsZero ? ByteString.Empty : ByteString.CopyFrom(result.TxId.ToArray()),
        Reason = result.Reason ?? string.Empty,
    };

    public static AdmissionResult FromWire(GossipAdmission admission)
    {
        var code = admission.Code switch
        {
            GossipAdmissionCode.Admitted => AdmissionCode.Admitted,
            GossipAdmissionCode.AlreadyKnown => AdmissionCode.AlreadyKnown,
            GossipAdmissionCode.Malformed => AdmissionCode.Malformed,
            GossipAdmissionCode.TooLarge => AdmissionCode.TooLarge,
            GossipAdmissionCode.WrongChain => AdmissionCode.WrongChain,
            GossipAdmissionCode.BadSignature => AdmissionCode.BadSignature,
            GossipAdmissionCode.NonceTooLow => AdmissionCode.NonceTooLow,
            GossipAdmissionCode.NonceTooHigh => AdmissionCode.NonceTooHigh,
            GossipAdmissionCode.NonceTaken => AdmissionCode.NonceTaken,
            GossipAdmissionCode.SenderFull => AdmissionCode.SenderFull,
            GossipAdmissionCode.PoolFull => AdmissionCode.PoolFull,
            _ => AdmissionCode.Malformed,
        };
        var id = Hash32.TryFrom(admission.TxId.Span, out var txId) ? txId : Hash32.Zero;
        return new AdmissionResult(code, id, admission.Reason);
    }
}
