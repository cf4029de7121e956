using GovChain.Contracts.Engine;
using GovChain.Core.Hashing;
using GovChain.Grpc.ClientApi;
using GovChain.Node.Mempool;
using GovChain.Tests.Shared;
using Grpc.Core;

namespace GovChain.Node.Tests.Api;

public sealed class StatusMappingTests
{
    [Theory]
    [InlineData(AdmissionCode.Malformed, StatusCode.InvalidArgument)]
    [InlineData(AdmissionCode.TooLarge, StatusCode.InvalidArgument)]
    [InlineData(AdmissionCode.WrongChain, StatusCode.InvalidArgument)]
    [InlineData(AdmissionCode.BadSignature, StatusCode.InvalidArgument)]
    [InlineData(AdmissionCode.AlreadyKnown, StatusCode.AlreadyExists)]
    [InlineData(AdmissionCode.NonceTooLow, StatusCode.FailedPrecondition)]
    [InlineData(AdmissionCode.NonceTooHigh, StatusCode.FailedPrecondition)]
    [InlineData(AdmissionCode.NonceTaken, StatusCode.FailedPrecondition)]
    [InlineData(AdmissionCode.SenderFull, StatusCode.ResourceExhausted)]
    [InlineData(AdmissionCode.PoolFull, StatusCode.ResourceExhausted)]
    [InlineData(AdmissionCode.ClientFull, StatusCode.ResourceExhausted)]
    public void ToException_EachRefusal_CarriesItsStatusReasonAndCode(AdmissionCode code, StatusCode expected)
    {
        var ex = AdmissionStatus.ToException(new AdmissionResult(code, Hash32.Zero, "because"));

        Assert.Equal(expected, ex.StatusCode);
        Assert.Equal("because", ex.Status.Detail);
        Assert.Equal(code.ToString(), ex.Trailers.GetValue(AdmissionStatus.ReasonTrailer));
    }

    [Fact]
    public void ToStatusCode_EveryAdmissionCode_IsMappedAndOnlyAdmittedIsOk()
    {
        foreach (var code in Enum.GetValues<AdmissionCode>())
        {
            var status = AdmissionStatus.ToStatusCode(code);
            Assert.NotEqual(StatusCode.Internal, status);
            Assert.Equal(code == AdmissionCode.Admitted, status == StatusCode.OK);
        }
    }

    [Fact]
    public void QueryStatus_EveryResultCode_IsMappedAndOnlyOkIsOk()
    {
        foreach (var code in Enum.GetValues<ResultCode>())
        {
            Assert.Equal(code == ResultCode.Ok, QueryStatus.ToStatusCode(code) == StatusCode.OK);
        }

        Assert.Equal(StatusCode.NotFound, QueryStatus.ToStatusCode(ResultCode.NotFound));
        Assert.Equal(StatusCode.PermissionDenied, QueryStatus.ToStatusCode(ResultCode.Unauthorized));
    }
}
