using System.Security.Cryptography.X509Certificates;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;

namespace GovChain.Node.Security;

/// <summary>
/// A TLS certificate the node relies on: the one it serves (<see cref="ServedUse"/>) or one it
/// pins for a department (<see cref="PinnedUse"/>). A pinned certificate that expires is refused
/// by every peer's handshake, so its expiry is what an operator must see coming.
/// </summary>
public sealed record PinnedCertificate(string DepartmentId, string Use, DateTimeOffset NotAfter, string Sha256)
{
    public const string ServedUse = "served";
    public const string PinnedUse = "pinned";

    /// <summary>Warned of this many days before expiry: time for a governance rotation and an overlap window.</summary>
    public const int WarningDays = 30;

    /// <summary>Whole days until expiry, rounded down; negative once expired.</summary>
    public int DaysLeft(DateTimeOffset now) => (int)Math.Floor((NotAfter - now).TotalDays);

    /// <summary>Within <see cref="WarningDays"/> of expiry, or expired.</summary>
    public bool IsExpiringSoon(DateTimeOffset now) => NotAfter - now < TimeSpan.FromDays(WarningDays);

    public bool IsExpired(DateTimeOffset now) => NotAfter <= now;

    public static PinnedCertificate Of(string departmentId, string use, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new PinnedCertificate(departmentId, use, new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero), Hex.Encode(certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)));
    }

    /// <summary>The certificates genesis pins, one per department that has one (an unreadable one is left out: genesis validation refuses those).</summary>
    public static IReadOnlyList<PinnedCertificate> FromGenesis(GenesisDocument genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        var pins = new List<PinnedCertificate>(genesis.Proto.Departments.Count);
        foreach (var department in genesis.Proto.Departments)
        {
            if (department.TlsCertificate.IsEmpty)
            {
                continue;
            }

            try
            {
                using var certificate = X509CertificateLoader.LoadCertificate(department.TlsCertificate.Span);
                pins.Add(Of(department.Id, PinnedUse, certificate));
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
            }
        }

        return pins;
    }
}
