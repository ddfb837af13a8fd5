using Cloud.Storage.Tables;

namespace Cloud.Registry;

/// <summary>
/// Text longer than one table property holds (<see cref="TableLimits.MaxStringLength"/>), kept in consecutive
/// properties <c>Name</c>, <c>Name_2</c>, <c>Name_3</c>, … of the same row, so a record stays one row (one read, one
/// conditional write) on every store. Text that fits one property is stored exactly as before.
/// </summary>
internal static class RowText
{
    public static void Set(TableEntity row, string name, string? text)
    {
        if (text is null)
        {
            return; // absent stays absent: Azure tables cannot hold nulls
        }

        var part = 1;
        for (var start = 0; part == 1 || start < text.Length; part++)
        {
            var length = Math.Min(TableLimits.MaxStringLength, text.Length - start);
            if (start + length < text.Length && char.IsHighSurrogate(text[start + length - 1]))
            {
                length--; // a character outside the BMP stays whole in one property
            }

            row.Set(part == 1 ? name : PartName(name, part), text.Substring(start, length));
            start += length;
        }
    }

    public static string? Get(TableEntity row, string name)
    {
        var first = row.Get<string>(name);
        if (first is null || row.Get<string>(PartName(name, 2)) is null)
        {
            return first;
        }

        var text = new System.Text.StringBuilder(first);
        for (var part = 2; row.Get<string>(PartName(name, part)) is { } next; part++)
        {
            text.Append(next);
        }

        return text.ToString();
    }

    private static string PartName(string name, int part) => $"{name}_{part}";
}
