using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace GovChain.Cli.Infrastructure;

/// <summary>How a command prints: readable text and tables, or JSON for scripts (--output json).</summary>
internal static class Output
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static readonly Option<string> FormatOption = new("--output", "-o")
    {
        Description = "Output format: text or json.",
        DefaultValueFactory = _ => "text",
        Recursive = true,
    };

    static Output()
    {
        FormatOption.AcceptOnlyFromAmong("text", "json");
    }

    public static bool IsJson(ParseResult result) => result.GetValue(FormatOption) == "json";

    public static void Json(JsonNode node) => Console.Out.WriteLine(node.ToJsonString(Indented));

    public static void Table(string[] columns, IEnumerable<string[]> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var c in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(c)));
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }

        AnsiConsole.Write(table);
    }
}
