using Google.Protobuf;
using GovChain.Core.Hashing;

namespace GovChain.Contracts.Engine;

/// <summary>
/// Format rules for every identifier, key and text a contract stores. Identifiers are ASCII
/// without '/', so they can be joined into state keys without escaping and compare by
/// ordinal order alone.
/// </summary>
internal static class Identifiers
{
    public const int MaxIdLength = 64;
    public const int MaxNameLength = 32;
    public const int KeyBytes = 32;

    /// <summary>Record ids chosen by users: [A-Za-z0-9._:-], 1 to 64 characters.</summary>
    public static bool IsId(string value) => IsMadeOf(value, MaxIdLength, static c =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or ':' or '-');

    /// <summary>Role names and credential kinds: [a-z0-9._-], 1 to 64 characters.</summary>
    public static bool IsRoleName(string value) => IsMadeOf(value, MaxIdLength, static c =>
        c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-');

    /// <summary>Registry type, field, state and transition names: [a-z0-9_], 1 to 32, starting with a letter.</summary>
    public static bool IsName(string value) =>
        IsMadeOf(value, MaxNameLength, static c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_') && value[0] is >= 'a' and <= 'z';

    public static void RequireId(string value, string field)
    {
        if (!IsId(value))
        {
            throw new ContractException(ResultCode.InvalidArgument, $"{field} must be 1 to {MaxIdLength} characters of [A-Za-z0-9._:-], got '{Clip(value)}'");
        }
    }

    public static void RequireRoleName(string value, string field)
    {
        if (!IsRoleName(value))
        {
            throw new ContractException(ResultCode.InvalidArgument, $"{field} must be 1 to {MaxIdLength} characters of [a-z0-9._-], got '{Clip(value)}'");
        }
    }

    public static void RequireKey(ByteString value, string field)
    {
        if (value.Length != KeyBytes)
        {
            throw new ContractException(ResultCode.InvalidArgument, $"{field} must be a 32-byte Ed25519 public key, got {value.Length} bytes");
        }
    }

    public static void RequireHash(ByteString value, string field)
    {
        if (value.Length != KeyBytes)
        {
            throw new ContractException(ResultCode.InvalidArgument, $"{field} must be a 32-byte hash, got {value.Length} bytes");
        }
    }

    public static void RequireText(string value, string field, int maxLength)
    {
        if (value.Length > maxLength)
        {
            throw new ContractException(ResultCode.InvalidArgument, $"{field} is {value.Length} characters, the limit is {maxLength}");
        }
    }

    /// <summary>Lower-case hex of a key, as used inside state keys and messages.</summary>
    public static string KeyHex(ByteString key) => Hex.Encode(key.Span);

    /// <summary>Shortens user text quoted in an error message, so receipts stay small.</summary>
    public static string Clip(string value) => value.Length <= MaxIdLength ? value : string.Concat(value.AsSpan(0, MaxIdLength), "...");

    private static bool IsMadeOf(string value, int maxLength, Func<char, bool> allowed)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!allowed(c))
            {
                return false;
            }
        }

        return true;
    }
}
