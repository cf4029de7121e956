using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GovChain.Cli.Infrastructure;
using GovChain.Core.Hashing;

namespace GovChain.Cli.Import;

/// <summary>A row of a land registry export that passed every local check: what <c>land.register_parcel</c> takes.</summary>
internal sealed record ParcelRow(int Line, string ParcelId, byte[] Owner, ulong AreaM2, string Location, byte[] DescriptionHash);

/// <summary>A row refused, locally or by the land contract, and why.</summary>
internal sealed record RejectedRow(int Line, string ParcelId, string Reason);

/// <summary>
/// A land registry export read and checked locally (the format is documented in the README):
/// a header row naming the six columns in any order, then one parcel per record. Rows that
/// break a rule are set aside with their reason; a parcel id seen twice keeps its first row.
/// </summary>
internal sealed class LandExport
{
    public const int MaxRows = 200_000;
    public const int MaxIdLength = 64;
    public const int MaxLocationLength = 128;
    public const int MaxTitleReferenceLength = 128;

    public static readonly string[] Columns = ["parcel_id", "owner_public_key", "area_m2", "location", "title_reference", "description"];

    private LandExport(List<ParcelRow> rows, List<RejectedRow> rejected, int rowsRead)
    {
        Rows = rows;
        Rejected = rejected;
        RowsRead = rowsRead;
    }

    /// <summary>Rows to register (or find already registered), in file order.</summary>
    public IReadOnlyList<ParcelRow> Rows { get; }

    /// <summary>Rows refused by the local checks.</summary>
    public IReadOnlyList<RejectedRow> Rejected { get; }

    /// <summary>Data records read (blank lines not counted).</summary>
    public int RowsRead { get; }

    /// <summary>The hash the chain keeps of the off-chain title: SHA-256 of UTF-8 (title_reference, LF, description).</summary>
    public static byte[] DescriptionHash(string titleReference, string description) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(titleReference + "\n" + description));

    /// <summary>Reads and checks the file; a missing file, a bad header or text that is not UTF-8 is a <see cref="CliError"/>.</summary>
    public static LandExport Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliError($"CSV file '{path}' does not exist");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        using var text = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false);
        var reader = new CsvRecordReader(text);
        try
        {
            return Read(reader, path);
        }
        catch (DecoderFallbackException)
        {
            throw new CliError($"'{path}' is not UTF-8 text; save the export as UTF-8 CSV");
        }
    }

    public static LandExport Read(CsvRecordReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = ReadHeader(reader, source);
        var rows = new List<ParcelRow>();
        var rejected = new List<RejectedRow>();
        var firstLineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var read = 0;
        while (reader.Read() is { } record)
        {
            if (record.IsBlank)
            {
                continue;
            }

            if (++read > MaxRows)
            {
                throw new CliError($"'{source}' has more than {MaxRows} rows; split the export into smaller files (re-running the import is safe)");
            }

            var fields = record.Fields;
            var parcelId = header[0] < fields.Count ? fields[header[0]] : string.Empty;
            var problem = record.Error
                ?? (fields.Count != header.Length ? $"the row has {fields.Count} fields, the header has {header.Length}" : null);
            ParcelRow? row = null;
            if (problem is null)
            {
                problem = Check(record.Line, fields, header, out row);
            }

            if (problem is null && firstLineOf.TryGetValue(row!.ParcelId, out var first))
            {
                problem = $"parcel_id '{row.ParcelId}' appears again; its first row is line {first.ToString(CultureInfo.InvariantCulture)}";
            }

            if (problem is not null)
            {
                rejected.Add(new RejectedRow(record.Line, Clip(parcelId), problem));
                continue;
            }

            firstLineOf.Add(row!.ParcelId, row.Line);
            rows.Add(row);
        }

        return new LandExport(rows, rejected, read);
    }

    /// <summary>The header's column positions, in the order of <see cref="Columns"/>.</summary>
    private static int[] ReadHeader(CsvRecordReader reader, string source)
    {
        CsvRecord? record;
        do
        {
            record = reader.Read();
        }
        while (record is { IsBlank: true });

        if (record is null)
        {
            throw new CliError($"'{source}' is empty; a header row is required: {string.Join(',', Columns)}");
        }

        if (record.Error is not null)
        {
            throw new CliError($"'{source}': the header row cannot be read: {record.Error}");
        }

        var positions = Enumerable.Repeat(-1, Columns.Length).ToArray();
        for (var i = 0; i < record.Fields.Count; i++)
        {
            var name = record.Fields[i].Trim().ToLowerInvariant();
            var column = Array.IndexOf(Columns, name);
            if (column < 0)
            {
                throw new CliError($"'{source}': bad header: unknown column '{Clip(record.Fields[i])}'; the columns are {string.Join(',', Columns)}");
            }

            if (positions[column] >= 0)
            {
                throw new CliError($"'{source}': bad header: column '{name}' appears twice");
            }

            positions[column] = i;
        }

        var missing = Columns.Where((_, c) => positions[c] < 0).ToArray();
        if (missing.Length > 0)
        {
            throw new CliError($"'{source}': bad header: missing column{(missing.Length > 1 ? "s" : string.Empty)} {string.Join(", ", missing)}; the columns are {string.Join(',', Columns)}");
        }

        return positions;
    }

    private static string? Check(int line, IReadOnlyList<string> fields, int[] at, out ParcelRow? row)
    {
        row = null;
        var id = fields[at[0]];
        if (!IsId(id))
        {
            return $"parcel_id '{Clip(id)}' must be 1 to {MaxIdLength} characters of A-Z a-z 0-9 . _ : -";
        }

        var ownerText = fields[at[1]];
        if (ownerText.Length != 64 || !Hex.TryDecode(ownerText, out var owner))
        {
            return $"owner_public_key must be 64 hex digits (a 32-byte Ed25519 public key), got '{Clip(ownerText)}'";
        }

        var areaText = fields[at[2]];
        if (!ulong.TryParse(areaText, NumberStyles.None, CultureInfo.InvariantCulture, out var area) || area == 0)
        {
            return $"area_m2 must be a whole number of square metres above 0, got '{Clip(areaText)}'";
        }

        var location = fields[at[3]];
        if (location.Length > MaxLocationLength || HasControl(location))
        {
            return $"location must be at most {MaxLocationLength} characters on one line, got {location.Length}";
        }

        var title = fields[at[4]];
        if (title.Length is 0 or > MaxTitleReferenceLength || HasControl(title))
        {
            return $"title_reference must be 1 to {MaxTitleReferenceLength} characters on one line";
        }

        row = new ParcelRow(line, id, owner, area, location, DescriptionHash(title, fields[at[5]]));
        return null;
    }

    private static bool IsId(string value) =>
        value.Length is > 0 and <= MaxIdLength &&
        value.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-');

    private static bool HasControl(string value) => value.Any(char.IsControl);

    /// <summary>Keeps what a report or message quotes from a row short.</summary>
    private static string Clip(string value) => value.Length <= MaxIdLength ? value : string.Concat(value.AsSpan(0, MaxIdLength), "...");
}
