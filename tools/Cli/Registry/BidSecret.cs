using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GovChain.Cli.Infrastructure;
using GovChain.Client.Registries;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;

namespace GovChain.Cli.Registry;

/// <summary>
/// What a sealed bid's reveal needs and only the bidder may know until then: the amount and the
/// secret salt. <c>procurement bid</c> writes it (mode 0600) before the bid is submitted, so a
/// committed bid can always be revealed; <c>procurement reveal</c> reads it back.
/// </summary>
internal sealed class BidSecret
{
    public const int MaxFileBytes = 4096;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string TenderId { get; set; } = string.Empty;

    /// <summary>The bidder's public key, hex.</summary>
    public string Bidder { get; set; } = string.Empty;

    public ulong Amount { get; set; }

    /// <summary>The salt, hex.</summary>
    public string Salt { get; set; } = string.Empty;

    [JsonIgnore]
    public byte[] SaltBytes => Hex.Decode(Salt);

    public static BidSecret Create(string tenderId, ReadOnlySpan<byte> bidder, ulong amount) => new()
    {
        TenderId = tenderId,
        Bidder = Hex.Encode(bidder),
        Amount = amount,
        Salt = Hex.Encode(BidCommitment.NewSalt()),
    };

    public void Write(string path, bool force)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path) && !force)
        {
            throw new CliError($"--secret-file '{path}' exists (it may hold another bid's secret); pass --force to replace it");
        }

        try
        {
            KeyFile.WritePrivate(path, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this, JsonOptions) + "\n"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliError($"cannot write the bid's secret to '{path}': {ex.Message}");
        }
    }

    public static BidSecret Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new CliError($"--secret-file '{path}' does not exist; it is written by 'govchain procurement bid'");
            }

            if (info.Length > MaxFileBytes)
            {
                throw new CliError($"--secret-file '{path}' is not a bid secret (larger than {MaxFileBytes} bytes)");
            }

            var secret = JsonSerializer.Deserialize<BidSecret>(File.ReadAllText(path), JsonOptions);
            if (secret is null || secret.TenderId.Length == 0 || !Hex.TryDecode(secret.Bidder, out var bidder) || bidder.Length != Ed25519.PublicKeySize
                || !Hex.TryDecode(secret.Salt, out var salt) || salt.Length is < BidCommitment.MinSaltBytes or > BidCommitment.MaxSaltBytes)
            {
                throw new CliError($"--secret-file '{path}' is damaged: it needs tender_id, bidder, amount and salt");
            }

            return secret;
        }
        catch (JsonException ex)
        {
            throw new CliError($"--secret-file '{path}' is not a bid secret: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliError($"cannot read --secret-file '{path}': {ex.Message}");
        }
    }
}
