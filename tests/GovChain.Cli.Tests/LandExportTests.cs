using System.Text;
using GovChain.Cli.Import;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Tests.Support;

namespace GovChain.Cli.Tests;

public sealed class LandExportTests : IDisposable
{
    private const string Header = "parcel_id,owner_public_key,area_m2,location,title_reference,description";
    private static readonly string Owner = new('a', 64);
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_GoodRows_CarryTheFieldsAndTheDescriptionHash()
    {
        var export = Load(Header, $"P-1,{Owner},250,\"Riverside, lot 4\",T-2020/17,\"Deed of 1987,\nsurvey 12\"");

        var row = Assert.Single(export.Rows);
        Assert.Equal(2, row.Line);
        Assert.Equal("P-1", row.ParcelId);
        Assert.Equal(250UL, row.AreaM2);
        Assert.Equal("Riverside, lot 4", row.Location);
        Assert.Equal(Convert.FromHexString(Owner), row.Owner);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("T-2020/17\nDeed of 1987,\nsurvey 12")), row.DescriptionHash);
        Assert.Empty(export.Rejected);
        Assert.Equal(1, export.RowsRead);
    }

    [Fact]
    public void Load_ColumnsInAnotherOrderAndHeaderCase_AreMatchedByName()
    {
        var export = Load("Description,TITLE_REFERENCE,location,area_m2,owner_public_key,parcel_id", $"the deed,T-1,North,10,{Owner},P-9");

        var row = Assert.Single(export.Rows);
        Assert.Equal("P-9", row.ParcelId);
        Assert.Equal(10UL, row.AreaM2);
        Assert.Equal("North", row.Location);
    }

    [Fact]
    public void Load_BadRows_AreRejectedWithLineAndReason()
    {
        var export = Load(
            Header,
            $"P-1,{Owner},100,Here,T-1,ok",
            $"P 2,{Owner},100,Here,T-2,space in id",
            $"P-3,{Owner[..60]},100,Here,T-3,short key",
            $"P-4,{new string('z', 64)},100,Here,T-4,not hex",
            $"P-5,{Owner},0,Here,T-5,zero area",
            $"P-6,{Owner},12.5,Here,T-6,fractional area",
            $"P-7,{Owner},100,Here,,no title",
            $"P-8,{Owner},100,{new string('L', 129)},T-8,long location",
            $"P-1,{Owner},100,Here,T-9,duplicate",
            $"P-10,{Owner},100,Here",
            $"P-11,{Owner},100,Here,T\"11,stray quote");

        Assert.Equal(["P-1"], export.Rows.Select(r => r.ParcelId));
        Assert.Equal(11, export.RowsRead);
        var reasons = export.Rejected.ToDictionary(r => r.Line, r => r.Reason);
        Assert.Equal([3, 4, 5, 6, 7, 8, 9, 10, 11, 12], reasons.Keys.Order());
        Assert.Contains("parcel_id 'P 2'", reasons[3], StringComparison.Ordinal);
        Assert.Contains("64 hex digits", reasons[4], StringComparison.Ordinal);
        Assert.Contains("64 hex digits", reasons[5], StringComparison.Ordinal);
        Assert.Contains("area_m2", reasons[6], StringComparison.Ordinal);
        Assert.Contains("area_m2", reasons[7], StringComparison.Ordinal);
        Assert.Contains("title_reference", reasons[8], StringComparison.Ordinal);
        Assert.Contains("location", reasons[9], StringComparison.Ordinal);
        Assert.Contains("first row is line 2", reasons[10], StringComparison.Ordinal);
        Assert.Contains("4 fields, the header has 6", reasons[11], StringComparison.Ordinal);
        Assert.Contains("double quote", reasons[12], StringComparison.Ordinal);
        Assert.Equal("P-1", export.Rejected.Single(r => r.Line == 10).ParcelId);
    }

    [Theory]
    [InlineData("parcel_id,owner_public_key,area_m2,location,title_reference", "missing column description")]
    [InlineData("parcel_id,owner,area_m2,location,title_reference,description", "unknown column 'owner'")]
    [InlineData("parcel_id,parcel_id,owner_public_key,area_m2,location,title_reference,description", "'parcel_id' appears twice")]
    [InlineData("\"parcel_id,owner_public_key", "header row cannot be read")]
    public void Load_BadHeader_IsOneClearError(string header, string expected)
    {
        var error = Assert.Throws<CliError>(() => Load(header, $"P-1,{Owner},1,x,T,d"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyMissingOrNonUtf8File_IsOneClearError()
    {
        var empty = _temp.Sub("empty.csv");
        File.WriteAllText(empty, "\n\n");
        var latin1 = _temp.Sub("latin1.csv");
        File.WriteAllBytes(latin1, [.. Encoding.ASCII.GetBytes(Header + "\nP-1," + Owner + ",1,Cura"), 0xE7, .. Encoding.ASCII.GetBytes("ao,T,d\n")]);

        Assert.Contains("header row is required", Assert.Throws<CliError>(() => LandExport.Load(empty)).Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", Assert.Throws<CliError>(() => LandExport.Load(_temp.Sub("none.csv"))).Message, StringComparison.Ordinal);
        Assert.Contains("not UTF-8", Assert.Throws<CliError>(() => LandExport.Load(latin1)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportField_FormulaAndSeparators_AreNeutralisedAndQuoted()
    {
        Assert.Equal("plain", ImportReportFile.Field("plain"));
        Assert.Equal("\"a,b\"", ImportReportFile.Field("a,b"));
        Assert.Equal("\"say \"\"no\"\"\"", ImportReportFile.Field("say \"no\""));
        Assert.Equal("'=HYPERLINK(1)", ImportReportFile.Field("=HYPERLINK(1)"));
        Assert.Equal("\"'=SUM(A1,A2)\"", ImportReportFile.Field("=SUM(A1,A2)"));
    }

    private LandExport Load(params string[] lines)
    {
        var path = _temp.Sub($"export-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, string.Join("\r\n", lines) + "\r\n", new UTF8Encoding(false));
        return LandExport.Load(path);
    }
}
