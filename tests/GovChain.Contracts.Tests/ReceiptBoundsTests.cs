using System.Security.Cryptography;
using GovChain.Contracts.Engine;
using GovChain.Contracts.Tests.Support;
using GovChain.Core.Crypto;
using GovChain.Protocol.Registry;

namespace GovChain.Contracts.Tests;

/// <summary>
/// Receipts are bounded by the engine, deterministically: a result, a transaction's events and
/// a block's receipts each have a byte cap, and what passes one fails with LimitExceeded and no
/// effect, so a block with its receipts always fits the messages that carry it.
/// </summary>
public sealed class ReceiptBoundsTests
{
    private static readonly byte[] Hash = Enumerable.Repeat((byte)7, 32).ToArray();

    [Fact]
    public void RegistryApply_ReceiptCarriesTheStoredRecordsHash_NotTheRecord()
    {
        using var chain = new TestChain(departments: 3);
        var clerk = Deploy(chain);

        var receipt = chain.Ok(clerk, Register(chain, "CAR-1"));

        var stored = chain.State.Get(RecordKeys.RegistryRecord("vehicle_title", "CAR-1"))!;
        var result = ApplyTransitionResult.Parser.ParseFrom(receipt.Result);
        Assert.Equal(SHA256.HashData(stored), result.RecordHash.ToByteArray());
        Assert.Equal(("active", 1ul), (result.State, result.Version));
        Assert.True(receipt.Result.Length < stored.Length, $"the result ({receipt.Result.Length} bytes) echoes the record ({stored.Length} bytes)");
    }

    [Fact]
    public void Result_LargerThanTheReceiptCap_FailsWithLimitExceededAndNoEffect()
    {
        using var chain = new TestChain(departments: 3, options: EngineOptions.Default with { MaxResultBytes = 8 });
        var clerk = Deploy(chain);

        var receipt = chain.Fails(ResultCode.LimitExceeded, clerk, Register(chain, "CAR-1"));

        Assert.Empty(receipt.Result);
        Assert.Empty(receipt.Events);
        Assert.Null(chain.State.Get(RecordKeys.RegistryRecord("vehicle_title", "CAR-1")));
        chain.AssertReplayIsIdentical();
    }

    [Fact]
    public void Events_PastTheirByteCap_FailWithLimitExceededAndNoEffect()
    {
        using var chain = new TestChain(options: EngineOptions.Default with { MaxEventBytesPerTransaction = 8 });

        var receipt = chain.Fails(ResultCode.LimitExceeded, chain.Registrar, LandCalls.RegisterParcel("P-1", chain.Registrar.PublicKey, Hash, 500));

        Assert.Empty(receipt.Events);
        Assert.Contains("events", receipt.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BlockReceipts_PastTheBlockBudget_LaterTransactionsFailAndTheTotalStaysBounded()
    {
        const int budget = 1000;
        using var chain = new TestChain(options: EngineOptions.Default with { MaxReceiptBytesPerBlock = budget });
        var txs = Enumerable.Range(1, 20)
            .Select(i => chain.Tx(chain.Registrar, LandCalls.RegisterParcel($"P-{i}", chain.Registrar.PublicKey, Hash, 500), nonce: (ulong)i))
            .ToArray();

        var result = chain.Block(txs);

        var codes = result.Receipts.Select(r => (ResultCode)r.Code).ToList();
        var firstRefused = codes.IndexOf(ResultCode.LimitExceeded);
        Assert.True(firstRefused > 0, "the first transactions fit the budget");
        Assert.All(codes.Skip(firstRefused), c => Assert.Equal(ResultCode.LimitExceeded, c));
        var total = result.Receipts.Sum(r => r.CalculateSize() + 6);
        Assert.True(total <= chain.Engine.Options.MaxReceiptsBytes(txs.Length), $"{total} bytes of receipts");
        Assert.Equal(firstRefused, LandParcels(chain, 20));
        chain.AssertReplayIsIdentical();
    }

    [Fact]
    public void FailedReceiptMessage_IsCutToItsByteBound_NeverInsideACharacter()
    {
        var text = string.Concat(Enumerable.Repeat("é€", 300)) + "\ud800";

        var clipped = ContractEngine.ClipUtf8(text, EngineOptions.MaxMessageBytes);

        Assert.True(System.Text.Encoding.UTF8.GetByteCount(clipped) <= EngineOptions.MaxMessageBytes);
        Assert.StartsWith(clipped, text, StringComparison.Ordinal);
        Assert.False(char.IsHighSurrogate(clipped[^1]));
        Assert.Equal("short", ContractEngine.ClipUtf8("short", EngineOptions.MaxMessageBytes));
    }

    private static int LandParcels(TestChain chain, int upTo) =>
        Enumerable.Range(1, upTo).Count(i => chain.RawQuery(LandCalls.GetParcel($"P-{i}")).IsSuccess);

    private static KeyPair Deploy(TestChain chain)
    {
        var clerk = chain.Key(50);
        chain.Govern(SystemCalls.GrantRole("vehicles.clerk", clerk.PublicKey, "dept-0"));
        chain.Govern(SystemCalls.DeployRegistryType(RegistryContractTests.VehicleTitle()));
        return clerk;
    }

    private static ContractCall Register(TestChain chain, string id) =>
        RegistryCalls.Apply("vehicle_title", id, "register", RegistryCalls.Text("vin", "WVWZZZ1JZXW000001"), RegistryCalls.Bytes("owner", chain.Key(51).PublicKey), RegistryCalls.Number("mileage", 10));
}
