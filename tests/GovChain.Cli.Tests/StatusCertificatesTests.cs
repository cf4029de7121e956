using GovChain.Cli.Localnet;
using GovChain.Protocol;

namespace GovChain.Cli.Tests;

/// <summary><c>govchain status</c> shows each certificate's expiry and days left, with a warning 30 days before.</summary>
public sealed class StatusCertificatesTests
{
    private static readonly DateTimeOffset NotAfter = new(2027, 1, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Row_ACertificateNearItsEnd_IsAWarningInTheStatusColumnAndItsOwnRow()
    {
        var status = new NodeStatus { ChainId = "c", DepartmentId = "finance", Height = 7 };
        status.Certificates.Add(new CertificateExpiry { DepartmentId = "finance", Use = "served", NotAfterUnixMs = NotAfter.ToUnixTimeMilliseconds(), DaysLeft = 12, Expiring = true, Sha256 = "ab" });
        status.Certificates.Add(new CertificateExpiry { DepartmentId = "justice", Use = "pinned", NotAfterUnixMs = NotAfter.AddDays(300).ToUnixTimeMilliseconds(), DaysLeft = 312, Sha256 = "cd" });
        var row = new NodeStatusRow(new Uri("https://127.0.0.1:7400"), status, null);

        var cells = row.ToCells();
        Assert.Equal(NodeStatusRow.Columns.Length, cells.Length);
        Assert.Equal("WARNING: finance served 12 d", cells[^1]);
        var certificates = row.CertificateCells().ToList();
        Assert.Equal(["127.0.0.1:7400", "finance", "served", "2027-01-15 12:00", "12", "WARNING: rotate before expiry"], certificates[0]);
        Assert.Equal("ok", certificates[1][^1]);
        var json = row.ToJson();
        Assert.Equal(1, (int)json["certificates_expiring"]!);
        Assert.Equal(12, (int)json["certificates"]![0]!["days_left"]!);
        Assert.Equal("2027-01-15T12:00:00.0000000+00:00", (string?)json["certificates"]![0]!["not_after"]);
    }

    [Fact]
    public void Row_AllCertificatesFarFromExpiry_SaysOkWithTheSoonest()
    {
        var status = new NodeStatus { DepartmentId = "finance" };
        status.Certificates.Add(new CertificateExpiry { DepartmentId = "finance", Use = "served", NotAfterUnixMs = NotAfter.ToUnixTimeMilliseconds(), DaysLeft = 200 });
        status.Certificates.Add(new CertificateExpiry { DepartmentId = "justice", Use = "pinned", NotAfterUnixMs = NotAfter.ToUnixTimeMilliseconds(), DaysLeft = 90 });

        Assert.Equal("ok (2, 90+ days)", new NodeStatusRow(new Uri("https://127.0.0.1:7400"), status, null).ToCells()[^1]);
        Assert.Equal("EXPIRED: rotate now", NodeStatusRow.CertificateState(new CertificateExpiry { DaysLeft = -1, Expiring = true, NotAfterUnixMs = 1 }));
    }
}
