namespace GovChain.LoadGen.Tests;

public sealed class RunResultTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("govchain-loadgen-csv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void NodeFigures_FromCpuSecondsOverTheWindow()
    {
        var result = Result(nodeCpu: [2.0, 1.0, null, 0.5], committed: 1000, wall: 4.0);

        Assert.Equal(0.5, result.NodeCores(0));
        Assert.Equal(2.0, result.NodeCpuMsPerTx(0));
        Assert.Equal(0.125, result.NodeCores(3));
        Assert.Null(result.NodeCores(2));
        Assert.Null(result.NodeCpuMsPerTx(2));
        Assert.Equal(0.25, result.LoadGeneratorCores);
    }

    [Fact]
    public void CsvRow_HasAColumnForEveryHeaderColumn_WithPerNodeCpuUnderItsDepartment()
    {
        var result = Result(nodeCpu: [2.0, 1.0, 3.0, 0.5], committed: 1000, wall: 4.0);

        var header = Split(RunResult.CsvHeader);
        var row = Split(result.CsvRow());

        Assert.Equal(header.Count, row.Count);
        Assert.Equal("2.00", row[header.IndexOf("cpu_s_land-registry")]);
        Assert.Equal("0.750", row[header.IndexOf("cores_education")]);
        Assert.Equal("0.5000", row[header.IndexOf("cpu_ms_per_tx_justice")]);
        Assert.Equal("processes", row[header.IndexOf("mode")]);
    }

    [Fact]
    public void CsvRow_InProcess_LeavesPerNodeCpuEmpty()
    {
        var result = Result(nodeCpu: [null, null, null, null], committed: 10, wall: 1.0) with { Mode = "in-process" };

        var header = Split(RunResult.CsvHeader);
        var row = Split(result.CsvRow());

        Assert.All(header.Where(h => h.StartsWith("cpu_s_", StringComparison.Ordinal)), h => Assert.Equal(string.Empty, row[header.IndexOf(h)]));
    }

    [Fact]
    public void AppendCsv_NewFile_GetsHeaderOnce_ThenOneRowPerRun()
    {
        var path = Path.Combine(_dir, "runs.csv");
        var result = Result(nodeCpu: [1.0, 1.0, 1.0, 1.0], committed: 10, wall: 1.0);

        result.AppendCsv(path);
        result.AppendCsv(path);

        var lines = File.ReadAllLines(path);
        Assert.Equal(3, lines.Length);
        Assert.Equal(RunResult.CsvHeader, lines[0]);
    }

    [Fact]
    public void AppendCsv_FileOfOtherColumns_IsRefusedAndLeftAsItWas()
    {
        var path = Path.Combine(_dir, "old.csv");
        File.WriteAllText(path, "utc,rate\n2026-01-01,50\n");

        var error = Assert.Throws<IOException>(() => Result(nodeCpu: [1.0, 1.0, 1.0, 1.0], committed: 10, wall: 1.0).AppendCsv(path));

        Assert.Contains("--csv", error.Message, StringComparison.Ordinal);
        Assert.Equal("utc,rate\n2026-01-01,50\n", File.ReadAllText(path));
        Assert.Throws<IOException>(() => RunResult.CheckCsvTarget(path));
    }

    /// <summary>Splits one CSV line, honouring double-quoted fields.</summary>
    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
            {
                if (quoted && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else
                {
                    quoted = !quoted;
                }
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }

    private static RunResult Result(double?[] nodeCpu, long committed, double wall) => new(
        "processes", "2000", 20, true, 4000, 2000, "a \"quoted\", workload", 1000, committed, 0, 0, 0, 20, 20.5, committed / 20.5,
        100, 200, 300, 400, 10, 0, 100, 1.0, nodeCpu, wall, 2, 40000, "1.0 1.0 1.0");
}
