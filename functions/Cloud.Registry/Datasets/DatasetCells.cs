using System.Globalization;

namespace Cloud.Registry.Datasets;

/// <summary>Where a cell is, for messages: the dataset and its row ("row 3" in a CSV, "line 3" in JSON Lines).</summary>
internal readonly record struct DatasetRow(string Dataset, string Unit, long Number)
{
    public override string ToString() => $"Dataset '{Dataset}' {Unit} {Number}";
}

/// <summary>Reading one cell as a feature, a class or a target, with the messages both formats give (dataset, row, column).</summary>
internal static class DatasetCells
{
    /// <summary>A feature cell as float32: a number (surrounding spaces allowed); NaN and ±Infinity only when the columns allow them.</summary>
    public static float Feature(ReadOnlySpan<char> cell, DatasetColumns columns, DatasetRow row, string column) =>
        float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? CheckFinite(value, cell, columns, row, column)
            : throw NotANumber(row, column, cell);

    /// <summary>A value parsed elsewhere (Sep's fast path, JSON), held to the same finiteness rule.</summary>
    public static float CheckFinite(float value, ReadOnlySpan<char> cell, DatasetColumns columns, DatasetRow row, string column) =>
        float.IsFinite(value) || columns.AllowNonFinite ? value
            : throw new DatasetException($"{row}, column '{column}': '{Shown(cell)}' is not a finite number; NaN and Infinity are refused unless model.json sets allowNonFinite.");

    /// <summary>A class name's index in the columns' class names.</summary>
    public static int Class(ReadOnlySpan<char> cell, DatasetColumns columns, DatasetRow row)
    {
        var index = columns.ClassIndex(cell);
        return index >= 0 ? index
            : throw new DatasetException($"{row}, column '{columns.Label}': '{Shown(cell)}' is not one of the model's classes ({string.Join(", ", columns.ClassNames!)}).");
    }

    /// <summary>A numeric target: always finite, since no error metric means anything with NaN in it.</summary>
    public static double Target(ReadOnlySpan<char> cell, DatasetColumns columns, DatasetRow row) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw NotANumber(row, columns.Label!, cell);

    public static DatasetException NotANumber(DatasetRow row, string column, ReadOnlySpan<char> cell) =>
        new($"{row}, column '{column}': '{Shown(cell)}' is not a number.");

    // A cell can be anything up to a whole line; a message quotes enough of it to be found.
    private static string Shown(ReadOnlySpan<char> cell) => cell.Length <= 64 ? cell.ToString() : string.Concat(cell[..64], "…");
}
