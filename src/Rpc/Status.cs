namespace GovChain.Rpc;

/// <summary>The outcome of a call: a status code and a human-readable detail (sent as <c>grpc-message</c>).</summary>
public readonly record struct Status(StatusCode Code, string Detail)
{
    public static readonly Status Ok = new(StatusCode.OK, string.Empty);

    public override string ToString() =>
        Detail.Length == 0 ? Code.ToString() : $"{Code}: {Detail}";
}
