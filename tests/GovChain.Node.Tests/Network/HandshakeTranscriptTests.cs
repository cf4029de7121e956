using FsCheck;
using FsCheck.Fluent;
using GovChain.Core.Crypto;
using GovChain.Core.Hashing;
using GovChain.Grpc.Peers;

namespace GovChain.Node.Tests.Network;

public sealed class HandshakeTranscriptTests : IDisposable
{
    private readonly KeyPair _dialler = KeyPair.Generate();
    private readonly KeyPair _listener = KeyPair.Generate();

    public void Dispose()
    {
        _dialler.Dispose();
        _listener.Dispose();
    }

    private HandshakeBinding Binding(byte seed) => new(
        Filled(seed), Filled((byte)(seed + 1)), Filled((byte)(seed + 2)),
        new Hash32(_dialler.PublicKey), new Hash32(_listener.PublicKey),
        Filled((byte)(seed + 3)), Filled((byte)(seed + 4)));

    private static Hash32 Filled(byte value)
    {
        Span<byte> bytes = stackalloc byte[Hash32.Size];
        bytes.Fill(value);
        return new Hash32(bytes);
    }

    [Fact]
    public void Write_StartsWithTheHandshakeDomainVersionAndRole()
    {
        var transcript = new byte[HandshakeTranscript.Length];
        HandshakeTranscript.Write(HandshakeRole.Listener, Binding(1), transcript);

        Assert.Equal((byte)HashDomain.Handshake, transcript[0]);
        Assert.Equal(HandshakeTranscript.Version, transcript[1]);
        Assert.Equal((byte)HandshakeRole.Listener, transcript[2]);
    }

    [Fact]
    public void Verify_SignatureOfTheOtherRole_IsRejected()
    {
        var binding = Binding(7);
        var diallerSignature = HandshakeTranscript.Sign(_dialler, HandshakeRole.Dialler, binding);

        Assert.True(HandshakeTranscript.Verify(HandshakeRole.Dialler, binding, diallerSignature));

        // Even a listener key equal to the dialler's would not make a dialler signature pass as the listener's.
        var mirrored = binding with { ListenerKey = binding.DiallerKey };
        Assert.False(HandshakeTranscript.Verify(HandshakeRole.Listener, mirrored, diallerSignature));
    }

    [Fact]
    public void Verify_AnyFieldChanged_IsRejected()
    {
        var binding = Binding(20);
        var signature = HandshakeTranscript.Sign(_dialler, HandshakeRole.Dialler, binding);

        Prop.ForAll(Gen.Choose(0, 4).ToArbitrary(), Gen.Choose(1, 255).ToArbitrary(), (field, value) =>
        {
            var other = Filled((byte)value);
            var changed = field switch
            {
                0 => binding with { GenesisHash = other },
                1 => binding with { DiallerCertificate = other },
                2 => binding with { ListenerCertificate = other },
                3 => binding with { DiallerNonce = other },
                _ => binding with { ListenerNonce = other },
            };
            return changed == binding || !HandshakeTranscript.Verify(HandshakeRole.Dialler, changed, signature);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Verify_SignedByAnotherKey_IsRejected()
    {
        var binding = Binding(40);
        var forged = HandshakeTranscript.Sign(_listener, HandshakeRole.Dialler, binding);

        Assert.False(HandshakeTranscript.Verify(HandshakeRole.Dialler, binding, forged));
        Assert.False(HandshakeTranscript.Verify(HandshakeRole.Dialler, binding, new byte[10]));
    }

    [Fact]
    public void NewNonce_IsFreshEachTime()
    {
        var nonces = Enumerable.Range(0, 100).Select(_ => HandshakeTranscript.NewNonce()).ToHashSet();
        Assert.Equal(100, nonces.Count);
    }
}
