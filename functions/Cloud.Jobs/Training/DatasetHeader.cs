using System.Text;
using System.Text.Json;
using Cloud.Jobs.Runner;

namespace Cloud.Jobs.Training;

/// <summary>
/// The column names of a training dataset, read from its first line only (a CSV header, or the keys of a JSON Lines
/// file's first object), so a train job can tell before training that the label column is absent, and after it that the
/// model's inputs name columns the data does not have. Other formats are the trainer's business: null.
/// </summary>
internal static class DatasetHeader
{
    private const int MaxHeaderChars = 1024 * 1024;

    public static IReadOnlyList<string>? ReadColumns(string file, string name)
    {
        var extension = Path.GetExtension(name).ToLowerInvariant();
        if (extension is not (".csv" or ".jsonl" or ".ndjson"))
        {
            return null;
        }

        var line = FirstLine(file) ?? throw new JobFailedException($"Dataset {TrainText.Quote(name)} is empty; it needs a header row (CSV) or an object per line (JSON Lines).");
        if (extension == ".csv")
        {
            return SplitCsv(line);
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? [.. document.RootElement.EnumerateObject().Select(p => p.Name)]
                : throw new JobFailedException($"Dataset {TrainText.Quote(name)} line 1 is not a JSON object; each line holds one object of column names and values.");
        }
        catch (JsonException)
        {
            throw new JobFailedException($"Dataset {TrainText.Quote(name)} line 1 is not a JSON object; each line holds one object of column names and values.");
        }
    }

    /// <summary>The problem when <paramref name="column"/> is not among <paramref name="columns"/>, in validation's words.</summary>
    public static string Missing(string name, string column, IReadOnlyList<string> columns) =>
        $"Dataset {TrainText.Quote(name)} has no column {TrainText.Quote(column)}; its columns are: {TrainText.Escape(string.Join(", ", columns), 500)}.";

    private static string? FirstLine(string file)
    {
        using var reader = new StreamReader(file, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        var line = new StringBuilder();
        int c;
        while ((c = reader.Read()) >= 0 && line.Length < MaxHeaderChars)
        {
            if (c == '\n')
            {
                if (line.ToString().Trim().Length > 0)
                {
                    break;
                }

                line.Clear();
                continue;
            }

            line.Append((char)c);
        }

        var text = line.ToString().TrimEnd('\r');
        return text.Trim().Length == 0 ? null : text;
    }

    /// <summary>RFC 4180 cells of one line: quoted cells may hold commas and doubled quotes; names are trimmed as validation trims them.</summary>
    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString().Trim());
        return cells;
    }
}
