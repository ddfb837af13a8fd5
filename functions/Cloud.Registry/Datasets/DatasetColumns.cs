namespace Cloud.Registry.Datasets;

/// <summary>
/// What a consumer reads from every row of a dataset: numeric feature columns, stored as float32 in this order in each
/// <see cref="DatasetBatch"/>, and at most one label column, read either as a class name (stored as its index in
/// <see cref="ClassNames"/>) or as a numeric target. Columns not named here are never parsed.
/// </summary>
internal sealed class DatasetColumns
{
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>>? _classes;

    /// <param name="features">The numeric columns, in the order a batch stores them.</param>
    /// <param name="label">The label column, or null when rows have no label (a warm-up row).</param>
    /// <param name="classNames">With a label: the class names it is matched against; null for a numeric target.</param>
    /// <param name="allowNonFinite">Whether feature cells may be NaN or ±Infinity (the manifest's <c>allowNonFinite</c>).</param>
    public DatasetColumns(IReadOnlyList<string> features, string? label = null, IReadOnlyList<string>? classNames = null, bool allowNonFinite = false)
    {
        Features = features;
        Label = label;
        ClassNames = classNames;
        AllowNonFinite = allowNonFinite;
        if (label is not null && classNames is not null)
        {
            var classes = new Dictionary<string, int>(classNames.Count, StringComparer.Ordinal);
            for (var i = 0; i < classNames.Count; i++)
            {
                classes[classNames[i]] = i;
            }

            // Looked up by the cell's span, so a million labels allocate no strings.
            _classes = classes.GetAlternateLookup<ReadOnlySpan<char>>();
        }
    }

    public IReadOnlyList<string> Features { get; }

    public string? Label { get; }

    public IReadOnlyList<string>? ClassNames { get; }

    public bool AllowNonFinite { get; }

    public bool HasClassLabel => _classes is not null;

    public bool HasNumericLabel => Label is not null && _classes is null;

    /// <summary>The index of a class name (surrounding spaces ignored), or -1.</summary>
    public int ClassIndex(ReadOnlySpan<char> name) => _classes!.Value.TryGetValue(name.Trim(), out var index) ? index : -1;
}
