namespace Cloud.Registry.Datasets;

/// <summary>Opens a dataset by its format, told by the file's extension.</summary>
internal static class DatasetReaders
{
    /// <summary>
    /// Opens <paramref name="content"/> (the reader owns and disposes it) as CSV (<c>.csv</c>) or JSON Lines
    /// (<c>.jsonl</c>, <c>.ndjson</c>), by the extension of <paramref name="name"/>.
    /// </summary>
    /// <exception cref="DatasetException">Another extension; a CSV without a header or without a column the reader needs.</exception>
    public static async Task<IDatasetReader> OpenAsync(Stream content, string name, DatasetColumns columns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var extension = Path.GetExtension(name);
        if (extension.Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return await CsvDatasetReader.OpenAsync(content, name, columns, cancellationToken).ConfigureAwait(false);
        }

        if (extension.Equals(".jsonl", StringComparison.OrdinalIgnoreCase) || extension.Equals(".ndjson", StringComparison.OrdinalIgnoreCase))
        {
            return new JsonLinesDatasetReader(content, name, columns);
        }

        await content.DisposeAsync().ConfigureAwait(false);
        throw new DatasetException($"Dataset '{name}' is neither CSV (.csv) nor JSON Lines (.jsonl, .ndjson); name the file with one of those extensions.");
    }
}
