namespace Cloud.Jobs.Evaluation;

/// <summary>
/// A small CSV reader for validation datasets: a header row, comma-separated cells, no quoting (the sample
/// datasets have none; the jobs issue replaces this with a full reader when datasets need it).
/// </summary>
internal sealed class CsvTable
{
    private CsvTable(string[] header, string[][] rows)
    {
        Header = header;
        Rows = rows;
    }

    public string[] Header { get; }

    public string[][] Rows { get; }

    public static CsvTable Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new EvaluationException($"Dataset '{path}' does not exist.");
        }

        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0)
        {
            throw new EvaluationException($"Dataset '{path}' is empty; it needs a header row.");
        }

        var header = lines[0].Split(',').Select(h => h.Trim()).ToArray();
        var rows = new string[lines.Length - 1][];
        for (var i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            if (cells.Length != header.Length)
            {
                throw new EvaluationException($"Dataset '{path}' line {i + 1} has {cells.Length} cells; the header has {header.Length}.");
            }

            rows[i - 1] = cells;
        }

        return new CsvTable(header, rows);
    }

    public int Column(string name, string path)
    {
        var index = Array.IndexOf(Header, name);
        return index >= 0 ? index
            : throw new EvaluationException($"Dataset '{path}' has no column '{name}'; its columns are: {string.Join(", ", Header)}.");
    }
}
