using FsCheck;
using FsCheck.Fluent;
using GovChain.Cli.Import;

namespace GovChain.Cli.Tests;

public sealed class CsvRecordReaderTests
{
    [Fact]
    public void Read_QuotedFieldsWithCommasQuotesAndLineBreaks_KeepsThemAndTracksStartLines()
    {
        var records = ReadAll("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\nlast,,\n");

        Assert.Equal(3, records.Count);
        Assert.Equal(["a", "b", "c"], records[0].Fields);
        Assert.Equal(["x, y", "say \"hi\"", "two\nlines"], records[1].Fields);
        Assert.Equal(["last", string.Empty, string.Empty], records[2].Fields);
        Assert.Equal([1, 2, 4], records.Select(r => r.Line));
        Assert.All(records, r => Assert.Null(r.Error));
    }

    [Fact]
    public void Read_ByteOrderMarkAndBlankLines_MarkIgnoredBlankLinesFlagged()
    {
        var records = ReadAll("\uFEFFid,name\n\n1,one");

        Assert.Equal(["id", "name"], records[0].Fields);
        Assert.True(records[1].IsBlank);
        Assert.Equal(["1", "one"], records[2].Fields);
        Assert.Equal(3, records[2].Line);
    }

    [Fact]
    public void Read_StrayQuoteInUnquotedField_ErrorForThatRecordOnlyAndReadingContinues()
    {
        var records = ReadAll("ok,1\nbad\"quote,2\nnext,3\n");

        Assert.Equal(3, records.Count);
        Assert.Null(records[0].Error);
        Assert.Contains("double quote inside an unquoted field", records[1].Error, StringComparison.Ordinal);
        Assert.Equal(2, records[1].Line);
        Assert.Equal(["next", "3"], records[2].Fields);
        Assert.Equal(3, records[2].Line);
    }

    [Fact]
    public void Read_TextAfterClosingQuote_IsAnError()
    {
        var records = ReadAll("\"closed\"extra,1\nfine,2");

        Assert.Contains("after the closing quote", records[0].Error, StringComparison.Ordinal);
        Assert.Equal(["fine", "2"], records[1].Fields);
    }

    [Fact]
    public void Read_UnterminatedQuote_ErrorAtEndOfFile()
    {
        var records = ReadAll("a,b\n\"never closed,c\nmore");

        Assert.Equal(2, records.Count);
        Assert.Contains("not closed", records[1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OverlongFieldAndTooManyFields_AreBoundedErrors()
    {
        var longField = new string('x', CsvRecordReader.MaxFieldChars + 1);
        var manyFields = string.Join(',', Enumerable.Repeat("f", CsvRecordReader.MaxFields + 1));

        var records = ReadAll(longField + ",1\n" + manyFields + "\nok");

        Assert.Contains("longer than", records[0].Error, StringComparison.Ordinal);
        Assert.True(records[0].Fields[0].Length <= CsvRecordReader.MaxFieldChars);
        Assert.Contains("more than", records[1].Error, StringComparison.Ordinal);
        Assert.Equal(CsvRecordReader.MaxFields, records[1].Fields.Count);
        Assert.Equal(["ok"], records[2].Fields);
    }

    [Fact]
    public void Read_FieldsWrittenByTheReportWriter_RoundTrip()
    {
        // Whatever text a field holds, the report writer's quoting reads back as that text (formula guard aside).
        var field = Gen.Elements('a', 'Z', '7', ',', '"', '\r', '\n', ' ', '\t', 'é', '\u00A0', ';', '\'')
            .ArrayOf()
            .Where(chars => chars.Length < 40)
            .Select(chars => new string(chars));
        var row = field.ArrayOf().Where(a => a.Length is > 0 and < 10 && !(a.Length == 1 && a[0].Length == 0));
        Prop.ForAll(row.ToArbitrary(), fields =>
        {
            var text = string.Join(',', fields.Select(ImportReportFile.Field)) + "\r\n";
            var records = ReadAll(text);
            return records.Count == 1 && records[0].Error is null && records[0].Fields.SequenceEqual(fields);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Read_ArbitraryText_NeverThrowsAndEveryRecordIsBounded()
    {
        var texts = Gen.Elements('a', ',', '"', '\r', '\n', ' ', '\uFEFF').ArrayOf().Select(chars => new string(chars));
        Prop.ForAll(texts.ToArbitrary(), text =>
        {
            var records = ReadAll(text);
            return records.All(r => r.Fields.Count <= CsvRecordReader.MaxFields && r.Line >= 1);
        }).QuickCheckThrowOnFailure();
    }

    private static List<CsvRecord> ReadAll(string text)
    {
        var reader = new CsvRecordReader(new StringReader(text));
        var records = new List<CsvRecord>();
        while (reader.Read() is { } record)
        {
            records.Add(record);
        }

        return records;
    }
}
