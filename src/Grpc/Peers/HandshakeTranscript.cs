using GovChain.Core.Crypto;
using GovChain.Core.Hashing;

namespace GovChain.Grpc.Peers;

/// <summary>Which side of a Connect call signs: the role is part of the signed bytes, so one side's signature never serves as the other's.</summary>
public enum HandshakeRole : byte
{
    /// <summary>The node that dialled (the gRPC client).</summary>
    Dialler = 1,

    /// <summary>The node that was dialled (the gRPC server).</summary>
    Listener = 2,
}

/// <summary>
/// What both sides of a peer handshake agree on. All fields are 32 bytes; certificate hashes
/// are SHA-256 of the DER TLS certificates, zero in plaintext mode.
/// </summary>
public readonly record struct HandshakeBinding(
    Hash32 GenesisHash,
    Hash32 DiallerCertificate,
    Hash32 ListenerCertificate,
    Hash32 DiallerKey,
    Hash32 ListenerKey,
    Hash32 DiallerNonce,
    Hash32 ListenerNonce);

/// <summary>
/// The bytes a validator signs to prove it holds its key in a peer handshake: a fixed layout
/// (no protobuf, one encoding) that starts with <see cref="HashDomain.Handshake"/>, so it can
/// never be taken for a vote, proposal or transaction signature. It binds the chain (genesis
/// hash), both TLS identities, both validator keys and both fresh nonces: a signature from
/// one session is useless in any other, and cannot be relayed by a node holding other
/// certificates.
/// </summary>
public static class HandshakeTranscript
{
    public const byte Version = 1;

    /// <summary>tag, version, role, then seven 32-byte fields.</summary>
    public const int Length = 3 + (7 * Hash32.Size);

    public static void Write(HandshakeRole role, in HandshakeBinding binding, Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"the transcript needs {Length} bytes", nameof(destination));
        }

        destination[0] = (byte)HashDomain.Handshake;
        destination[1] = Version;
        destination[2] = (byte)role;
        var pos = 3;
        foreach (var field in (ReadOnlySpan<Hash32>)[
            binding.GenesisHash, binding.DiallerCertificate, binding.ListenerCertificate,
            binding.DiallerKey, binding.ListenerKey, binding.DiallerNonce, binding.ListenerNonce])
        {
            field.CopyTo(destination[pos..]);
            pos += Hash32.Size;
        }
    }

    public static byte[] Sign(KeyPair key, HandshakeRole role, in HandshakeBinding binding)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> transcript = stackalloc byte[Length];
        Write(role, binding, transcript);
        return key.Sign(transcript);
    }

    /// <summary>True when <paramref name="signature"/> is the signer's (the key of <paramref name="role"/> in the binding) over the transcript.</summary>
    public static bool Verify(HandshakeRole role, in HandshakeBinding binding, ReadOnlySpan<byte> signature)
    {
        Span<byte> transcript = stackalloc byte[Length];
        Write(role, binding, transcript);
        Span<byte> key = stackalloc byte[Hash32.Size];
        (role == HandshakeRole.Dialler ? binding.DiallerKey : binding.ListenerKey).CopyTo(key);
        return Ed25519.Verify(key, transcript, signature);
    }

    /// <summary>32 fresh random bytes for one handshake.</summary>
    public static Hash32 NewNonce()
    {
        Span<byte> nonce = stackalloc byte[Hash32.Size];
        Ed25519.RandomBytes(nonce);
        return new Hash32(nonce);
    }
}
