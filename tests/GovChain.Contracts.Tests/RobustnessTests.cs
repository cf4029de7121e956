using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Contracts.Tests.Support;

namespace GovChain.Contracts.Tests;

/// <summary>Untrusted argument bytes reach every method; none may crash the engine or leak a partial write.</summary>
public sealed class RobustnessTests
{
    public static TheoryData<string, string> TransactionMethods()
    {
        var data = new TheoryData<string, string>();
        foreach (var m in ContractCatalog.All.Where(m => !m.IsQuery))
        {
            data.Add(m.Contract, m.Method);
        }

        return data;
    }

    [Fact]
    public void Catalog_EveryMethodIsDispatchedAsItsKind()
    {
        using var chain = new TestChain();
        foreach (var m in ContractCatalog.All)
        {
            var args = ByteString.Empty;
            var asQuery = chain.Engine.Query(chain.State, m.Contract, m.Method, args);
            Assert.True(m.IsQuery == (asQuery.Code != ResultCode.UnknownMethod), $"{m.Contract}.{m.Method} as query: {asQuery.Code} {asQuery.Message}");
            var asTx = chain.Block(chain.RawTx(chain.Registrar, m.Contract, m.Method, args)).Receipts[0];
            Assert.True(m.IsQuery == (asTx.Code == (uint)ResultCode.UnknownMethod), $"{m.Contract}.{m.Method} as tx: {(ResultCode)asTx.Code} {asTx.Message}");
        }

        Assert.Equal(ContractCatalog.All.Count, ContractCatalog.All.Select(m => (m.Contract, m.Method)).Distinct().Count());
        Assert.Equal(ContractNames.All, ContractCatalog.All.Select(m => m.Contract).Distinct());
    }

    [Theory]
    [MemberData(nameof(TransactionMethods))]
    public void RandomArgs_NeverCrash_AndFailuresWriteOnlyTheNonce(string contract, string method)
    {
        using var chain = new TestChain();
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i)).ToArbitrary(), bytes =>
        {
            var tx = chain.RawTx(chain.Registrar, contract, method, ByteString.CopyFrom(bytes));
            var result = chain.Block(tx);
            var receipt = result.Receipts[0];
            var query = chain.Engine.Query(chain.State, contract, method, ByteString.CopyFrom(bytes));
            return query.Code == ResultCode.UnknownMethod
                && (receipt.Code == 0 || (LandScenario.OnlyNonceChanged(result.Changes, chain.Registrar) && receipt.Message.Length is > 0 and < 1024));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    [Fact]
    public void RandomArgs_ToEveryQuery_GiveAResultOrATypedError()
    {
        using var chain = new TestChain();
        foreach (var m in ContractCatalog.All.Where(m => m.IsQuery))
        {
            Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i)).ToArbitrary(), bytes =>
            {
                var result = chain.Engine.Query(chain.State, m.Contract, m.Method, ByteString.CopyFrom(bytes));
                return result.IsSuccess ? result.Message.Length == 0 : result.Code != ResultCode.UnknownMethod && result.Message.Length > 0;
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
        }
    }

    [Fact]
    public void Queries_OnAStateWithoutGenesis_AnswerWithoutThrowing()
    {
        var engine = new ContractEngine();
        var empty = new MemoryState();

        foreach (var m in ContractCatalog.All.Where(m => m.IsQuery))
        {
            var result = engine.Query(empty, m.Contract, m.Method, ByteString.Empty);
            Assert.True(result.IsSuccess || result.Code is ResultCode.NotFound or ResultCode.InvalidArgument, $"{m.Method}: {result.Code} {result.Message}");
        }
    }

    [Fact]
    public void OversizedArgs_AreRefusedBeforeParsing()
    {
        using var chain = new TestChain(options: new EngineOptions { MaxArgsBytes = 100 });
        var tx = chain.RawTx(chain.Registrar, ContractNames.Land, LandMethods.RegisterParcel, ByteString.CopyFrom(new byte[101]));

        var receipt = chain.Fails(ResultCode.MalformedArgs, chain.Registrar, tx);

        Assert.Contains("101 bytes", receipt.Message, StringComparison.Ordinal);
        Assert.Equal(ResultCode.MalformedArgs, chain.Engine.Query(chain.State, ContractNames.Land, LandMethods.GetParcel, ByteString.CopyFrom(new byte[101])).Code);
    }
}
