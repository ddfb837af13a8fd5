using System.Globalization;
using nietras.SeparatedValues;

namespace Cloud.Registry.Datasets;

/// <summary>
/// A validation dataset: a header row and rows of cells, read with Sep (RFC 4180 quoting, any line ending). Every row
/// must have as many cells as the header, so a short or long row is named instead of shifting columns. Evaluation
/// (Cloud.Jobs) reads a whole file; a version's warm-up (Cloud.Serving) reads the first rows from the model store. Both
/// read here, so the warm-up feeds the model exactly what validation would.
/// </summary>
internal sealed class CsvTable
{
    // Sep's default would infer the separator from the header; datasets are comma-separated by definition.
    private static readonly SepReaderOptions Options = Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true });

    private readonly List<string[]> _rows = [];

    private CsvTable(string name, string[] header)
    {
        Name = name;
        Header = header;
    }

    /// <summary>The dataset as messages name it: a local path, or a path in the model store.</summary>
    public string Name { get; }

    public string[] Header { get; }

    public IReadOnlyList<string[]> Rows => _rows;

    /// <summary>Reads a whole dataset file.</summary>
    /// <exception cref="DatasetException">The file is missing, empty or has a row of the wrong width.</exception>
    public static CsvTable Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetException($"Dataset '{path}' does not exist.");
        }

        using var reader = Options.FromFile(path);
        var table = Start(reader, path);
        foreach (var row in reader)
        {
            table.Add(row);
        }

        return table;
    }

    /// <summary>Reads the header and at most <paramref name="maxRows"/> rows from <paramref name="content"/>, and no further.</summary>
    /// <exception cref="DatasetException">The dataset is empty or one of those rows has the wrong width.</exception>
    public static async Task<CsvTable> ReadAsync(Stream content, string name, int maxRows, CancellationToken cancellationToken = default)
    {
        using var reader = await Options.FromAsync(content, cancellationToken).ConfigureAwait(false);
        var table = Start(reader, name);
        await foreach (var row in reader.ConfigureAwait(false))
        {
            if (table._rows.Count == maxRows)
            {
                break;
            }

            table.Add(row);
        }

        return table;
    }

    public int Column(string name)
    {
        var index = Array.IndexOf(Header, name);
        return index >= 0 ? index
            : throw new DatasetException($"Dataset '{Name}' has no column '{name}'; its columns are: {string.Join(", ", Header)}.");
    }

    /// <summary>The named columns of every row as float32, row-major: the [rows, features] input a model with these feature names takes.</summary>
    /// <exception cref="DatasetException">A column is missing or a cell is not a number.</exception>
    public float[] Features(IReadOnlyList<string> featureNames)
    {
        var columns = featureNames.Select(Column).ToArray();
        var features = new float[_rows.Count * columns.Length];
        for (var r = 0; r < _rows.Count; r++)
        {
            for (var f = 0; f < columns.Length; f++)
            {
                var cell = _rows[r][columns[f]];
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out features[(r * columns.Length) + f]))
                {
                    throw new DatasetException($"Dataset '{Name}' row {r + 1}, column '{featureNames[f]}': '{cell}' is not a number.");
                }
            }
        }

        return features;
    }

    private static CsvTable Start(SepReader reader, string name)
    {
        if (!reader.HasHeader || reader.Header.ColNames.Count == 0 || reader.Header.ColNames is [""])
        {
            throw new DatasetException($"Dataset '{name}' is empty; it needs a header row.");
        }

        return new CsvTable(name, reader.Header.ColNames.Select(h => h.Trim()).ToArray());
    }

    private void Add(SepReader.Row row)
    {
        if (row.ColCount == 1 && row[0].Span.IsEmpty)
        {
            return; // a blank line
        }

        if (row.ColCount != Header.Length)
        {
            throw new DatasetException($"Dataset '{Name}' line {row.LineNumberFrom} has {row.ColCount} cells; the header has {Header.Length}.");
        }

        var cells = new string[row.ColCount];
        for (var c = 0; c < cells.Length; c++)
        {
            cells[c] = row[c].ToString();
        }

        _rows.Add(cells);
    }
}
