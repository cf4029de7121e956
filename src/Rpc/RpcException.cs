namespace GovChain.Rpc;

/// <summary>
/// A call that ended with a status other than OK. Thrown by client calls; thrown by a
/// server handler to end its call with this status (and optional trailers).
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(Status status)
        : this(status, new Metadata(), null)
    {
    }

    public RpcException(StatusCode code, string detail)
        : this(new Status(code, detail), new Metadata(), null)
    {
    }

    public RpcException(Status status, Metadata trailers, Exception? innerException = null)
        : base(status.ToString(), innerException)
    {
        ArgumentNullException.ThrowIfNull(trailers);
        Status = status;
        Trailers = trailers;
    }

    public RpcException()
        : this(new Status(StatusCode.Unknown, string.Empty))
    {
    }

    public RpcException(string message)
        : this(new Status(StatusCode.Unknown, message))
    {
    }

    public RpcException(string message, Exception innerException)
        : this(new Status(StatusCode.Unknown, message), new Metadata(), innerException)
    {
    }

    public Status Status { get; }

    public StatusCode StatusCode => Status.Code;

    /// <summary>Trailing metadata received with the status (client) or to send with it (server).</summary>
    public Metadata Trailers { get; }
}
