using nietras.SeparatedValues;

namespace Cloud.Jobs.Evaluation;

/// <summary>
/// A validation dataset: a header row and rows of cells, read with Sep (RFC 4180 quoting, any line ending). Every row
/// must have as many cells as the header, so a short or long row is named instead of shifting columns.
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

        // Sep's default would infer the separator from the header; datasets are comma-separated by definition.
        using var reader = Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true }).FromFile(path);
        if (!reader.HasHeader || reader.Header.ColNames.Count == 0 || reader.Header.ColNames is [""])
        {
            throw new EvaluationException($"Dataset '{path}' is empty; it needs a header row.");
        }

        var header = reader.Header.ColNames.Select(h => h.Trim()).ToArray();
        var rows = new List<string[]>();
        foreach (var row in reader)
        {
            if (row.ColCount == 1 && row[0].Span.IsEmpty)
            {
                continue; // a blank line
            }

            if (row.ColCount != header.Length)
            {
                throw new EvaluationException($"Dataset '{path}' line {row.LineNumberFrom} has {row.ColCount} cells; the header has {header.Length}.");
            }

            var cells = new string[row.ColCount];
            for (var c = 0; c < cells.Length; c++)
            {
                cells[c] = row[c].ToString();
            }

            rows.Add(cells);
        }

        return new CsvTable(header, [.. rows]);
    }

    public int Column(string name, string path)
    {
        var index = Array.IndexOf(Header, name);
        return index >= 0 ? index
            : throw new EvaluationException($"Dataset '{path}' has no column '{name}'; its columns are: {string.Join(", ", Header)}.");
    }
}
