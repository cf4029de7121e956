using System.Text;

namespace GovChain.Cli.Import;

/// <summary>One CSV record: the line it starts on, its fields, or why it could not be read.</summary>
internal sealed record CsvRecord(int Line, IReadOnlyList<string> Fields, string? Error)
{
    /// <summary>A line with nothing on it; exports often end with one, and it carries no row.</summary>
    public bool IsBlank => Error is null && Fields.Count == 1 && Fields[0].Length == 0;
}

/// <summary>
/// Reads RFC 4180 records from text: comma-separated fields, CRLF or LF line ends, fields that
/// contain commas, quotes or line breaks enclosed in double quotes, a quote inside them doubled.
/// A malformed record (a stray quote, an over-long field) is returned with its error and the
/// reader carries on at the next line, so one bad row never hides the rest of the file. Every
/// field and record is bounded.
/// </summary>
internal sealed class CsvRecordReader
{
    public const int MaxFieldChars = 64 * 1024;
    public const int MaxFields = 64;

    private readonly TextReader _reader;
    private readonly StringBuilder _field = new();
    private int _line = 1;
    private bool _atStart = true;

    public CsvRecordReader(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
    }

    private enum State
    {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }

    /// <summary>The next record, or null at the end of the text.</summary>
    public CsvRecord? Read()
    {
        if (_atStart)
        {
            _atStart = false;
            if (_reader.Peek() == '\uFEFF')
            {
                // A UTF-8 byte order mark, as spreadsheet programs write: not part of the first column's name.
                _reader.Read();
            }
        }

        if (_reader.Peek() < 0)
        {
            return null;
        }

        var start = _line;
        var fields = new List<string>();
        string? error = null;
        var state = State.FieldStart;
        _field.Clear();
        while (true)
        {
            var c = _reader.Read();
            if (c < 0)
            {
                if (state == State.Quoted)
                {
                    error ??= "a quoted field is not closed before the end of the file";
                }

                AddField(fields, ref error);
                return new CsvRecord(start, fields, error);
            }

            switch (state)
            {
                case State.FieldStart when c == '"':
                    state = State.Quoted;
                    break;
                case State.FieldStart or State.Unquoted or State.QuoteInQuoted when c == ',':
                    AddField(fields, ref error);
                    state = State.FieldStart;
                    break;
                case State.FieldStart or State.Unquoted or State.QuoteInQuoted when c is '\r' or '\n':
                    EndLine(c);
                    AddField(fields, ref error);
                    return new CsvRecord(start, fields, error);
                case State.FieldStart or State.Unquoted when c == '"':
                    error ??= $"a double quote inside an unquoted field (field {fields.Count + 1}); enclose the field in quotes and double the quote";
                    SkipRestOfLine();
                    return new CsvRecord(start, fields, error);
                case State.FieldStart or State.Unquoted:
                    Append((char)c, ref error);
                    state = State.Unquoted;
                    break;
                case State.Quoted when c == '"':
                    state = State.QuoteInQuoted;
                    break;
                case State.Quoted:
                    if (c == '\n')
                    {
                        _line++;
                    }

                    Append((char)c, ref error);
                    break;
                case State.QuoteInQuoted when c == '"':
                    Append('"', ref error);
                    state = State.Quoted;
                    break;
                default:
                    error ??= $"characters after the closing quote of field {fields.Count + 1}";
                    SkipRestOfLine();
                    return new CsvRecord(start, fields, error);
            }
        }
    }

    private void Append(char c, ref string? error)
    {
        if (_field.Length < MaxFieldChars)
        {
            _field.Append(c);
        }
        else
        {
            error ??= $"a field is longer than {MaxFieldChars} characters";
        }
    }

    private void AddField(List<string> fields, ref string? error)
    {
        if (fields.Count < MaxFields)
        {
            fields.Add(_field.ToString());
        }
        else
        {
            error ??= $"the record has more than {MaxFields} fields";
        }

        _field.Clear();
    }

    private void EndLine(int c)
    {
        if (c == '\r' && _reader.Peek() == '\n')
        {
            _reader.Read();
        }

        _line++;
    }

    private void SkipRestOfLine()
    {
        int c;
        while ((c = _reader.Read()) >= 0)
        {
            if (c is '\r' or '\n')
            {
                EndLine(c);
                return;
            }
        }
    }
}
