using Microsoft.Extensions.Logging;

namespace GovChain.Rpc;

/// <summary>What every call on one server shares.</summary>
internal sealed class ServerCallSettings
{
    public required int MaxReceiveMessageBytes { get; init; }

    public required int MaxSendMessageBytes { get; init; }

    public required bool CompressResponses { get; init; }

    public required ILogger Logger { get; init; }

    /// <summary>Cancelled when the server stops, so long-lived streams end instead of holding shutdown.</summary>
    public required CancellationToken Stopping { get; init; }
}
