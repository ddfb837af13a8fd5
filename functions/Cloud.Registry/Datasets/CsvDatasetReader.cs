using nietras.SeparatedValues;

namespace Cloud.Registry.Datasets;

/// <summary>
/// A CSV dataset with a header row, read with Sep (RFC 4180 quoting, any line ending) one row at a time: only the
/// columns asked for are parsed, numbers with Sep's fast float parser. Every row must have as many cells as the
/// header, so a short or long row is named instead of shifting columns; blank lines are skipped. Rows are counted from
/// 1 after the header, as messages name them.
/// </summary>
internal sealed class CsvDatasetReader : IDatasetReader
{
    // Sep's default would infer the separator from the header; datasets are comma-separated by definition.
    private static readonly SepReaderOptions Options = Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true });

    private readonly SepReader _reader;
    private readonly DatasetColumns _columns;
    private readonly int[] _featureColumns;
    private readonly int _labelColumn;
    private readonly string[] _header;
    private long _rows;

    private CsvDatasetReader(SepReader reader, string name, DatasetColumns columns, string[] header)
    {
        _reader = reader;
        Name = name;
        _columns = columns;
        _header = header;
        _featureColumns = [.. columns.Features.Select(Column)];
        _labelColumn = columns.Label is { } label ? Column(label) : -1;
    }

    public string Name { get; }

    /// <exception cref="DatasetException">The dataset is empty (no header), or lacks a column <paramref name="columns"/> names.</exception>
    public static async Task<CsvDatasetReader> OpenAsync(Stream content, string name, DatasetColumns columns, CancellationToken cancellationToken = default)
    {
        var reader = await Options.FromAsync(content, cancellationToken).ConfigureAwait(false);
        try
        {
            if (!reader.HasHeader || reader.Header.ColNames.Count == 0 || reader.Header.ColNames is [""])
            {
                throw new DatasetException($"Dataset '{name}' is empty; it needs a header row.");
            }

            return new CsvDatasetReader(reader, name, columns, [.. reader.Header.ColNames.Select(h => h.Trim())]);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public async ValueTask<int> ReadAsync(DatasetBatch batch, CancellationToken cancellationToken = default)
    {
        batch.Count = 0;
        batch.FirstRow = _rows + 1;
        while (batch.Count < batch.Capacity && await _reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            Add(_reader.Current, batch);
        }

        return batch.Count;
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        return ValueTask.CompletedTask;
    }

    private int Column(string name)
    {
        var index = Array.IndexOf(_header, name);
        return index >= 0 ? index
            : throw new DatasetException($"Dataset '{Name}' has no column '{name}'; its columns are: {string.Join(", ", _header)}.");
    }

    private void Add(SepReader.Row row, DatasetBatch batch)
    {
        if (row.ColCount == 1 && row[0].Span.IsEmpty)
        {
            return; // a blank line
        }

        if (row.ColCount != _header.Length)
        {
            throw new DatasetException($"Dataset '{Name}' line {row.LineNumberFrom} has {row.ColCount} cells; the header has {_header.Length}.");
        }

        _rows++;
        var r = batch.Count;
        var features = batch.Row(r);
        if (!TryParseFeatures(row, features))
        {
            // Cell by cell with the lenient parser: the value where it is one after all (NaN when allowed), else the message.
            for (var f = 0; f < _featureColumns.Length; f++)
            {
                features[f] = DatasetCells.Feature(row[_featureColumns[f]].Span, _columns, Where, _columns.Features[f]);
            }
        }

        if (_labelColumn >= 0)
        {
            var label = row[_labelColumn].Span;
            if (_columns.HasClassLabel)
            {
                batch.Classes[r] = DatasetCells.Class(label, _columns, Where);
            }
            else
            {
                batch.Targets[r] = DatasetCells.Target(label, _columns, Where);
            }
        }

        batch.Count = r + 1;
    }

    /// <summary>
    /// All features at once with Sep's fast float parser (csFastFloat), the hot path: 10–20 % faster than cell by cell.
    /// False when a cell is not a number or, unless allowed, not finite.
    /// </summary>
    private bool TryParseFeatures(SepReader.Row row, Span<float> features)
    {
        if (_featureColumns.Length == 0)
        {
            return true;
        }

        try
        {
            row[_featureColumns].Parse(features);
        }
        catch (ArgumentException)
        {
            return false; // Sep's word for a cell that is not a number
        }

        if (!_columns.AllowNonFinite)
        {
            foreach (var value in features)
            {
                if (!float.IsFinite(value))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private DatasetRow Where => new(Name, "row", _rows);
}
