using Google.Protobuf;
using GovChain.Client.Registries;
using GovChain.Client.Tests.Support;
using GovChain.Client.Verification;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using GovChain.Protocol.Land;
using Grpc.Core;

namespace GovChain.Client.Tests;

public sealed class ProofTests
{
    private static readonly byte[] Deed = Enumerable.Repeat((byte)0xEE, 32).ToArray();

    [Fact]
    public async Task ProveTransaction_Committed_IsProvenWithHeightAndCertifyingDepartments()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();
        var (_, tx) = await CommitTwoBlocksAsync(node, client);
        var verifier = new ProofVerifier(node.Genesis);

        var proof = await client.ProveTransactionAsync(tx.Id(), verifier);

        Assert.True(proof.IsProven, proof.Problem);
        Assert.Equal(2ul, proof.Header!.Height);
        Assert.Equal(1u, proof.Index);
        Assert.Equal(["education", "finance", "justice"], proof.Header.SignedBy);
        Assert.Equal(30ul, proof.Header.SignedPower);
        Assert.Equal(40ul, proof.Header.TotalPower);
        Assert.Equal("land", proof.Contract);
        Assert.Equal(0u, proof.ResultCode);
        Assert.Equal(node.Database.Blocks.GetBlockHash(2), proof.Header.BlockHash);
        Assert.StartsWith("PROVEN: transaction", proof.Describe(), StringComparison.Ordinal);
        Assert.Contains("block 2", proof.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyTransaction_TamperedProofs_AreNotProven()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();
        var (_, tx) = await CommitTwoBlocksAsync(node, client);
        var verifier = new ProofVerifier(node.Genesis);
        var genuine = await client.GetTransactionProofAsync(tx.Id());
        Assert.True(verifier.VerifyTransaction(genuine, tx.Id()).IsProven);

        var changedReceipt = genuine.Clone();
        changedReceipt.Receipt.Code = 7;
        AssertNotProven(verifier.VerifyTransaction(changedReceipt), "receipt");

        var forgedHeader = genuine.Clone();
        forgedHeader.Header.TimeUnixMs += 1;
        AssertNotProven(verifier.VerifyTransaction(forgedHeader), "another block hash");

        var shortCertificate = genuine.Clone();
        shortCertificate.Certificate = node.Certify(genuine.Header, signers: 2);
        AssertNotProven(verifier.VerifyTransaction(shortCertificate), "more than 2/3");

        var swappedTx = genuine.Clone();
        swappedTx.Transaction = node.Signer(node.Registrar).Sign(LandRegistry.RegisterParcel("P-X", node.Bob.PublicKey, Deed, 1), 2);
        AssertNotProven(verifier.VerifyTransaction(swappedTx), "receipt");

        var wrongIndex = genuine.Clone();
        wrongIndex.TxInclusion.LeafIndex = 0;
        AssertNotProven(verifier.VerifyTransaction(wrongIndex), "leaf 0");

        var otherSet = genuine.Clone();
        otherSet.Validators.Validators[0].VotingPower = 1000;
        AssertNotProven(verifier.VerifyTransaction(otherSet), "not the one the header names");

        var badSignature = genuine.Clone();
        badSignature.Transaction.Signature = ByteString.CopyFrom(new byte[64]);
        AssertNotProven(verifier.VerifyTransaction(badSignature, tx.Id()), "signature");

        AssertNotProven(verifier.VerifyTransaction(genuine, TransactionCodec.Id("other"u8)), "another transaction");
    }

    [Fact]
    public async Task VerifyTransaction_AgainstAnotherGenesis_IsNotProven()
    {
        await using var node = await TestNode.StartAsync();
        await using var stranger = await TestNode.StartAsync();
        using var client = node.Client();
        var (_, tx) = await CommitTwoBlocksAsync(node, client);
        var proof = await client.GetTransactionProofAsync(tx.Id());

        // Same chain id, different validator keys: a node faking a chain with its own validators.
        var impostorGenesis = node.Genesis.Proto.Clone();
        for (var i = 0; i < impostorGenesis.Departments.Count; i++)
        {
            impostorGenesis.Departments[i].ValidatorKey = ByteString.CopyFrom(stranger.Key(500 + i).PublicKey);
        }

        var result = new ProofVerifier(GenesisDocument.FromProto(impostorGenesis)).VerifyTransaction(proof);

        AssertNotProven(result, "genesis");
    }

    [Fact]
    public async Task ProveState_RegisteredParcel_IsProvenAndDecodesToTheParcel()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();
        await CommitTwoBlocksAsync(node, client);
        var verifier = new ProofVerifier(node.Genesis);

        var proven = await client.ProveStateAsync(StateKeys.Parcel("P-2"), verifier);

        Assert.True(proven.IsProven, proven.Problem);
        Assert.True(proven.Exists);
        Assert.Equal(2ul, proven.Header!.Height);
        Assert.Equal("land/parcel/P-2", proven.KeyText);
        var parcel = Parcel.Parser.ParseFrom(proven.Value);
        Assert.Equal("P-2", parcel.Id);
        Assert.Equal(node.Bob.PublicKey.ToArray(), parcel.Owner.ToByteArray());
        Assert.StartsWith("PROVEN: land/parcel/P-2", proven.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProveState_BeforeRegistrationOrUnknown_IsProvenAbsent()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();
        await CommitTwoBlocksAsync(node, client);
        var verifier = new ProofVerifier(node.Genesis);

        var atOne = await client.ProveStateAsync("land/parcel/P-2", verifier, height: 1);
        var unknown = await client.ProveStateAsync(StateKeys.Parcel("NOPE"), verifier);

        Assert.True(atOne.IsProven, atOne.Problem);
        Assert.False(atOne.Exists);
        Assert.Equal(1ul, atOne.Header!.Height);
        Assert.True(unknown.IsProven, unknown.Problem);
        Assert.False(unknown.Exists);
        Assert.StartsWith("PROVEN ABSENT", unknown.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyState_TamperedProofs_AreNotProven()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();
        await CommitTwoBlocksAsync(node, client);
        var verifier = new ProofVerifier(node.Genesis);
        var key = StateKeys.Parcel("P-2");
        var genuine = await client.GetStateProofAsync(key);
        Assert.True(verifier.VerifyState(genuine, key).IsProven);

        var changedValue = genuine.Clone();
        var parcel = Parcel.Parser.ParseFrom(changedValue.Proof.Value);
        parcel.Owner = ByteString.CopyFrom(node.Alice.PublicKey);
        changedValue.Proof.Value = parcel.ToByteString();
        AssertNotProven(verifier.VerifyState(changedValue, key), "state root");

        var olderHeader = await client.GetStateProofAsync(key, height: 1);
        var wrongRoot = genuine.Clone();
        wrongRoot.Header = olderHeader.Header;
        wrongRoot.Certificate = olderHeader.Certificate;
        wrongRoot.Proof.Height = 1;
        AssertNotProven(verifier.VerifyState(wrongRoot, key), "state root");

        var forgedRoot = genuine.Clone();
        forgedRoot.Header.StateRoot = ByteString.CopyFrom(new byte[32]);
        AssertNotProven(verifier.VerifyState(forgedRoot, key), "another block hash");

        var shortCertificate = genuine.Clone();
        shortCertificate.Certificate = node.Certify(genuine.Header, signers: 2);
        AssertNotProven(verifier.VerifyState(shortCertificate, key), "more than 2/3");

        AssertNotProven(verifier.VerifyState(genuine, StateKeys.Parcel("P-1")), "another key");
    }

    [Fact]
    public async Task GetStateProof_BadRequests_AreRefusedWithReasons()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.Client();

        var none = await Assert.ThrowsAsync<RpcException>(() => client.GetStateProofAsync(StateKeys.Parcel("P-1")));
        Assert.Equal(StatusCode.FailedPrecondition, none.StatusCode);

        await CommitTwoBlocksAsync(node, client);
        var empty = await Assert.ThrowsAsync<RpcException>(() => client.GetStateProofAsync([]));
        var huge = await Assert.ThrowsAsync<RpcException>(() => client.GetStateProofAsync(new byte[2000]));
        var future = await Assert.ThrowsAsync<RpcException>(() => client.GetStateProofAsync(StateKeys.Parcel("P-1"), height: 99));
        var unknownTx = await Assert.ThrowsAsync<RpcException>(() => client.GetTransactionProofAsync(Hashes.Tagged(HashDomain.TransactionId, "x"u8)));

        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, huge.StatusCode);
        Assert.Equal(StatusCode.OutOfRange, future.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknownTx.StatusCode);
    }

    /// <summary>Block 1 registers P-1 (Alice); block 2 an identity and P-2 (Bob). Returns the two parcel registrations.</summary>
    private static async Task<(SignedTransaction First, SignedTransaction Second)> CommitTwoBlocksAsync(TestNode node, GovChainClient client)
    {
        var registrar = node.Signer(node.Registrar);
        var first = registrar.SignNext(LandRegistry.RegisterParcel("P-1", node.Alice.PublicKey, Deed, 100));
        await client.SubmitAsync(first);
        node.CommitPending();
        await client.SubmitAsync(node.Signer(node.Alice).SignNext(IdentityRegistry.Register(Deed)));
        var second = registrar.SignNext(LandRegistry.RegisterParcel("P-2", node.Bob.PublicKey, Deed, 200));
        await client.SubmitAsync(second);
        node.CommitPending();
        return (first, second);
    }

    private static void AssertNotProven(ProofVerification result, string reasonPart)
    {
        Assert.False(result.IsProven);
        Assert.Contains(reasonPart, result.Problem, StringComparison.Ordinal);
        Assert.StartsWith("NOT PROVEN", result.Describe(), StringComparison.Ordinal);
    }
}
