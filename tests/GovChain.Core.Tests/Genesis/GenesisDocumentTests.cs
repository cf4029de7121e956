using Google.Protobuf;
using GovChain.Core.Genesis;
using GovChain.Protocol;

namespace GovChain.Core.Tests.Genesis;

public class GenesisDocumentTests
{
    private static Protocol.Genesis ValidGenesis()
    {
        var g = new Protocol.Genesis { ChainId = "govchain-test", GenesisTimeUnixMs = 1_700_000_000_000 };
        string[] ids = ["land", "finance", "education", "justice"];
        for (var i = 0; i < ids.Length; i++)
        {
            using var key = TestKeys.Key(i);
            g.Departments.Add(new Department
            {
                Id = ids[i],
                Name = ids[i] + " department",
                ValidatorKey = ByteString.CopyFrom(key.PublicKey),
                VotingPower = 1,
                Endpoint = $"127.0.0.1:{7000 + i}",
            });
        }

        using var registrar = TestKeys.Key(10);
        g.Roles.Add(new RoleGrant { Role = "land.registrar", Holder = ByteString.CopyFrom(registrar.PublicKey), DepartmentId = "land" });
        return g;
    }

    [Fact]
    public void Parse_ValidJson_YieldsValidatorSetAndStableHash()
    {
        var json = GenesisDocument.FromProto(ValidGenesis()).ToJson();

        var doc = GenesisDocument.Parse(json);

        Assert.Equal("govchain-test", doc.ChainId);
        Assert.Equal(4, doc.Validators.Count);
        Assert.Equal(4UL, doc.Validators.TotalPower);
        Assert.Equal(3UL, doc.Validators.QuorumPower);
        Assert.Equal(GenesisDocument.Parse(json).Hash, doc.Hash);
        Assert.NotNull(doc.FindDepartment("justice"));
    }

    [Fact]
    public void FromProto_EveryProblem_IsNamed()
    {
        var g = ValidGenesis();
        g.ChainId = "";
        g.Departments[1].Id = "land";
        g.Departments[2].ValidatorKey = ByteString.CopyFrom(new byte[31]);
        g.Departments[3].VotingPower = 0;
        g.Departments[3].Endpoint = "no-port";
        g.Roles[0].DepartmentId = "health";

        var ex = Assert.Throws<GenesisValidationException>(() => GenesisDocument.FromProto(g));

        Assert.Contains(ex.Problems, p => p.Contains("chain_id", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("appears more than once", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("31 bytes", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("voting_power", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("host:port", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("'health'", StringComparison.Ordinal));
        Assert.Equal(6, ex.Problems.Count);
    }

    [Fact]
    public void FromProto_SharedValidatorKeyOrNoDepartments_IsRejected()
    {
        var shared = ValidGenesis();
        shared.Departments[1].ValidatorKey = shared.Departments[0].ValidatorKey;
        Assert.Contains(Assert.Throws<GenesisValidationException>(() => GenesisDocument.FromProto(shared)).Problems,
            p => p.Contains("used by another department", StringComparison.Ordinal));

        var empty = ValidGenesis();
        empty.Departments.Clear();
        empty.Roles.Clear();
        Assert.Throws<GenesisValidationException>(() => GenesisDocument.FromProto(empty));
    }

    [Fact]
    public void FromProto_BadTlsCertificate_IsRejected()
    {
        var g = ValidGenesis();
        g.Departments[0].TlsCertificate = ByteString.CopyFrom(1, 2, 3);

        var ex = Assert.Throws<GenesisValidationException>(() => GenesisDocument.FromProto(g));
        Assert.Contains(ex.Problems, p => p.Contains("tls_certificate", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"chainId\": \"x\", \"unknownField\": 1}")]
    [InlineData("{\"chainId\": \"x\", \"departments\": [{\"validatorKey\": \"%%%\"}]}")]
    public void Parse_MalformedJson_GivesValidationError(string json)
    {
        var ex = Assert.Throws<GenesisValidationException>(() => GenesisDocument.Parse(json, "genesis.json"));
        Assert.Contains("genesis.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_GivesValidationErrorNamingIt()
    {
        var ex = Assert.Throws<GenesisValidationException>(() => GenesisDocument.Load("/nonexistent/genesis.json"));
        Assert.Contains("cannot be read", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_ChangesWithAnyField()
    {
        var a = GenesisDocument.FromProto(ValidGenesis());
        var changed = ValidGenesis();
        changed.Departments[0].Name = "Land Registry";

        Assert.NotEqual(a.Hash, GenesisDocument.FromProto(changed).Hash);
    }
}
