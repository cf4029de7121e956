using System.Globalization;
using System.Text;
using GovChain.Core.Hashing;

namespace GovChain.Client.Verification;

/// <summary>A block header proven committed: its certificate was checked against the trusted validators.</summary>
public sealed record CertifiedHeader(
    ulong Height,
    Hash32 BlockHash,
    Hash32 StateRoot,
    long TimeUnixMs,
    IReadOnlyList<string> SignedBy,
    ulong SignedPower,
    ulong TotalPower,
    bool GenesisValidatorSet,
    int ValidatorSetHops = 0)
{
    /// <summary>The block time its proposer stated and the certifying validators accepted.</summary>
    public DateTimeOffset Time => TimeOf(TimeUnixMs);

    /// <summary>"block 12 (3f2a9c1b) of 2026-11-21 10:15:02Z, certified by finance, justice, land (30 of 40 voting power of the genesis validators; more than 2/3 is needed)".</summary>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"block {Height} ({BlockHash.ToShortString()}) of {Time:yyyy-MM-dd HH:mm:ss}Z, certified by {string.Join(", ", SignedBy)} " +
        $"({SignedPower} of {TotalPower} voting power {SetDescription()}; more than 2/3 is needed)");

    /// <summary>"of the genesis validators", or "of the validator set reached from genesis through 3 certified changes".</summary>
    public string SetDescription() => ValidatorSetHops == 0
        ? "of the genesis validators"
        : string.Create(CultureInfo.InvariantCulture, $"of the validator set reached from genesis through {ValidatorSetHops} certified change{(ValidatorSetHops == 1 ? string.Empty : "s")}");

    /// <summary>A header's time, clamped to what a date can hold (a hostile header may carry any number).</summary>
    public static DateTimeOffset TimeOf(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(unixMs, DateTimeOffset.MinValue.ToUnixTimeMilliseconds(), DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()));
}

/// <summary>The outcome of checking a proof offline: proven (with what and where), or not, and why.</summary>
public abstract record ProofVerification(bool IsProven, string? Problem, CertifiedHeader? Header)
{
    /// <summary>A plain-language account, one paragraph, starting with PROVEN or NOT PROVEN.</summary>
    public abstract string Describe();
}

/// <summary>A transaction and its receipt, proven included in a certified block.</summary>
public sealed record TransactionVerification(
    bool IsProven,
    string? Problem,
    CertifiedHeader? Header,
    Hash32 TxId,
    uint Index,
    string Contract,
    string Method,
    string SenderHex,
    ulong Nonce,
    uint ResultCode,
    string ResultMessage) : ProofVerification(IsProven, Problem, Header)
{
    internal static TransactionVerification Fail(string problem, Hash32 txId = default) =>
        new(false, problem, null, txId, 0, string.Empty, string.Empty, string.Empty, 0, 0, string.Empty);

    public override string Describe() => IsProven
        ? string.Create(
            CultureInfo.InvariantCulture,
            $"PROVEN: transaction {TxId} ({Contract}.{Method}, signed by {ShortKey(SenderHex)}, nonce {Nonce}) is committed at index {Index} of " +
            $"{Header!.Describe()}. Its recorded result is {(ResultCode == 0 ? "success" : $"error {ResultCode}: {ResultMessage}")}.")
        : $"NOT PROVEN: transaction {TxId}: {Problem}.";

    private static string ShortKey(string hex) => hex.Length > 16 ? hex[..16] + "…" : hex;
}

/// <summary>The value (or absence) of one state key, proven under a certified header's state root.</summary>
public sealed record StateVerification(
    bool IsProven,
    string? Problem,
    CertifiedHeader? Header,
    byte[] Key,
    bool Exists,
    byte[]? Value) : ProofVerification(IsProven, Problem, Header)
{
    internal static StateVerification Fail(string problem, byte[] key) => new(false, problem, null, key, false, null);

    /// <summary>The key as text when it is printable (the registries' keys are), else as hex.</summary>
    public string KeyText => IsPrintable(Key) ? Encoding.UTF8.GetString(Key) : Hex.Encode(Key);

    public override string Describe() => !IsProven
        ? $"NOT PROVEN: {KeyText}: {Problem}."
        : Exists
            ? string.Create(CultureInfo.InvariantCulture, $"PROVEN: {KeyText} holds a {Value!.Length}-byte record (SHA-256 {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Value)).AsSpan(0, 16)}…) in the state after {Header!.Describe()}.")
            : $"PROVEN ABSENT: {KeyText} has no record in the state after {Header!.Describe()}.";

    private static bool IsPrintable(byte[] key)
    {
        foreach (var b in key)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return false;
            }
        }

        return key.Length > 0;
    }
}
