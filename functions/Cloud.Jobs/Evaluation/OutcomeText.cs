using System.Globalization;
using System.Text;
using Cloud.Sdk.Registry;

namespace Cloud.Jobs.Evaluation;

/// <summary>A validation outcome as plain text for people: the local evaluate verb prints it and a job's log keeps it.</summary>
internal static class OutcomeText
{
    public static string Describe(ValidationOutcome outcome, IReadOnlyDictionary<string, double>? thresholds = null)
    {
        var text = new StringBuilder();
        var candidate = outcome.Candidate;
        Line(text, $"{candidate.Model} {candidate.Version}: {outcome.Status.ToWireName()} on {outcome.Rows:N0} rows of '{outcome.Dataset}'");
        Line(text, $"Outputs read: {candidate.Outputs}");
        text.AppendLine();

        var baseline = outcome.Baseline;
        Line(text, $"{"metric",-10} {"candidate",12}{(baseline is null ? "" : $" {"baseline " + baseline.Version,14}")} {"threshold",10}");
        foreach (var (name, value) in candidate.Metrics)
        {
            var limit = thresholds is not null && thresholds.TryGetValue(name, out var t) ? t.ToString("G4", CultureInfo.InvariantCulture) : "";
            var before = baseline is null ? "" : $" {(baseline.Metrics.TryGetValue(name, out var b) ? b.ToString("F4", CultureInfo.InvariantCulture) : "—"),14}";
            Line(text, $"{name,-10} {value,12:F4}{before} {limit,10}");
        }

        foreach (var note in candidate.Notes)
        {
            Line(text, $"note: {note}");
        }

        if (candidate.Classes is { } classes)
        {
            text.AppendLine();
            var width = Math.Max(classes.ClassNames.Max(c => c.Length), 9) + 2;
            Line(text, $"{"class".PadRight(width)}{"support",9}{"precision",11}{"recall",9}{"f1",9}{"auc",9}");
            foreach (var c in classes.PerClass)
            {
                Line(text, $"{c.Class.PadRight(width)}{c.Support,9}{c.Precision,11:F4}{c.Recall,9:F4}{c.F1,9:F4}{(c.Auc is { } auc ? auc.ToString("F4", CultureInfo.InvariantCulture) : "—"),9}");
            }

            text.AppendLine();
            Line(text, $"Confusion matrix (rows: actual, columns: predicted)");
            Line(text, $"{new string(' ', width)}{string.Concat(classes.ClassNames.Select(c => c.PadLeft(width)))}");
            for (var a = 0; a < classes.ClassNames.Count; a++)
            {
                Line(text, $"{classes.ClassNames[a].PadRight(width)}{string.Concat(classes.Confusion[a].Select(n => n.ToString(CultureInfo.InvariantCulture).PadLeft(width)))}");
            }
        }

        text.AppendLine();
        text.Append(outcome.Reason);
        return text.ToString();
    }

    private static void Line(StringBuilder text, FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
}
