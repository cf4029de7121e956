using System.Text.Json.Serialization;

namespace GovChain.Core.Crypto;

/// <summary>The JSON of a key file; every field is checked by <see cref="KeyFile"/> before use.</summary>
internal sealed class KeyFileModel
{
    [JsonPropertyName("version")]
    public int Version { get; set; }

    [JsonPropertyName("kdf")]
    public string? Kdf { get; set; }

    /// <summary>Absent in version 1 (XSalsa20-Poly1305 implied); named from version 2 on.</summary>
    [JsonPropertyName("cipher")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Cipher { get; set; }

    [JsonPropertyName("opslimit")]
    public ulong OpsLimit { get; set; }

    [JsonPropertyName("memlimit")]
    public ulong MemLimit { get; set; }

    [JsonPropertyName("salt")]
    public string? Salt { get; set; }

    [JsonPropertyName("nonce")]
    public string? Nonce { get; set; }

    [JsonPropertyName("ciphertext")]
    public string? Ciphertext { get; set; }

    [JsonPropertyName("public_key")]
    public string? PublicKey { get; set; }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(KeyFileModel))]
internal sealed partial class KeyFileJson : JsonSerializerContext
{
}
