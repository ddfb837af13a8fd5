using System.Globalization;
using System.Text.Json;

namespace Cloud.Sdk.Manifests;

/// <summary>The validation section: dataset, metrics, thresholds and the baseline.</summary>
internal sealed partial class ManifestParser
{
    private const string ValidationPath = "$.validation";

    // Set when promotion.onValidated is present, valid or not, so the check that it needs validation does not
    // depend on whether its own contents were right.
    private bool _hasOnValidated;

    private ValidationDraft? ReadValidation(JsonElement value, string path)
    {
        if (!IsKind(value, JsonValueKind.Object, path, "an object"))
        {
            return null;
        }

        var draft = new ValidationDraft();
        ReadObject(value, path, ManifestFields.Validation, (field, fieldValue, fieldPath) =>
        {
            switch (field)
            {
                case "dataset":
                    draft.Dataset = CheckDataset(ReadString(fieldValue, fieldPath), fieldPath);
                    break;
                case "labelColumn":
                    draft.LabelColumn = ReadString(fieldValue, fieldPath);
                    if (draft.LabelColumn is { Length: 0 })
                    {
                        Error(fieldPath, $"{fieldPath} is empty; name the dataset column that holds the true label.");
                        draft.LabelColumn = null;
                    }

                    break;
                case "metrics":
                    draft.Metrics = ReadStringList(fieldValue, fieldPath, "metric");
                    if (draft.Metrics is { Count: 0 })
                    {
                        Error(fieldPath, $"{fieldPath} is empty; list at least one metric, such as 'accuracy' or 'rmse'.");
                        draft.Metrics = null;
                    }

                    break;
                case "thresholds":
                    draft.Thresholds = ReadMetricMap(fieldValue, fieldPath, "Threshold", ReadThreshold);
                    break;
                case "baselineLabel":
                    draft.BaselineLabel = ReadString(fieldValue, fieldPath);
                    if (draft.BaselineLabel is not null && LabelName.Problem(draft.BaselineLabel) is { } problem)
                    {
                        Error(fieldPath, $"Baseline label {Q(draft.BaselineLabel)} is not a valid label: {problem}. {LabelRule}");
                        draft.BaselineLabel = null;
                    }

                    break;
                case "baselineTolerance":
                    draft.BaselineTolerance = ReadMetricMap(fieldValue, fieldPath, "Baseline tolerance", ReadTolerance);
                    break;
                case "baselineRelativeTolerance":
                    draft.BaselineRelativeTolerance = ReadMetricMap(fieldValue, fieldPath, "Baseline relative tolerance", ReadRelativeTolerance);
                    break;
            }
        });

        foreach (var tolerance in (string[])["baselineTolerance", "baselineRelativeTolerance"])
        {
            if (value.TryGetProperty(tolerance, out _) && !value.TryGetProperty("baselineLabel", out _))
            {
                Error(JsonPath.Property(path, tolerance),
                    $"{path}.{tolerance} needs {path}.baselineLabel: a tolerance says how much worse than the baseline version the candidate may be, and no baseline is named.");
            }
        }

        if (draft.Metrics is not null)
        {
            CheckKeysAreListedMetrics(draft.Thresholds, JsonPath.Property(path, "thresholds"), "Threshold", draft.Metrics);
            CheckKeysAreListedMetrics(draft.BaselineTolerance, JsonPath.Property(path, "baselineTolerance"), "Baseline tolerance", draft.Metrics);
            CheckKeysAreListedMetrics(draft.BaselineRelativeTolerance, JsonPath.Property(path, "baselineRelativeTolerance"), "Baseline relative tolerance", draft.Metrics);
        }

        return draft;
    }

    private string? CheckDataset(string? text, string path)
    {
        if (text is null)
        {
            return null;
        }

        if (FileNames.RelativePathProblem(text) is { } problem)
        {
            Error(path, $"Dataset {Q(text)} is not a relative path inside the model folder: {problem}. Use a path such as \"validation.csv\" or \"data/validation.csv\".");
            return null;
        }

        return text;
    }

    /// <summary>A map keyed by metric name with number values; null when anything in it is wrong.</summary>
    private Dictionary<string, double>? ReadMetricMap(JsonElement value, string path, string noun, Func<string, JsonElement, string, double?> readValue)
    {
        var map = new Dictionary<string, double>(StringComparer.Ordinal);
        var valid = true;
        var mapped = ReadMap(value, path, (metric, entry, entryPath) =>
        {
            if (readValue(metric, entry, entryPath) is { } number)
            {
                map[metric] = number;
            }
            else
            {
                valid = false;
            }
        });

        return mapped && valid ? map : null;
    }

    private double? ReadThreshold(string metric, JsonElement value, string path)
    {
        if (!IsKind(value, JsonValueKind.Number, path, "a number"))
        {
            return null;
        }

        var definition = MetricDefinition.Find(metric);
        if (!value.TryGetDouble(out var threshold) || !double.IsFinite(threshold))
        {
            Error(path, $"Threshold for {Q(metric)} must be a finite number; it is {Raw(value)}.");
            return null;
        }

        if (definition is not null && (threshold < definition.Minimum || threshold > definition.Maximum))
        {
            // A fraction written as a percentage (90 for 0.9) is the likely mistake; say so.
            var hint = definition is { Minimum: 0, Maximum: 1 } && threshold > 1 && threshold <= 100
                ? string.Create(CultureInfo.InvariantCulture, $" (for {threshold}%, write {threshold / 100})")
                : "";
            Error(path, $"Threshold for {Q(metric)} must be {RangeText(definition)}; it is {Raw(value)}{hint}.");
            return null;
        }

        return threshold;
    }

    private double? ReadTolerance(string metric, JsonElement value, string path) => ReadNonNegative("Baseline tolerance", metric, value, path, "");

    // A fraction, like thresholds: 5 (for 5 %) is allowed (an error metric may get 5 times worse) but worth a word.
    private double? ReadRelativeTolerance(string metric, JsonElement value, string path) =>
        ReadNonNegative("Baseline relative tolerance", metric, value, path, " (a fraction of the baseline's value: 0.05 allows 5 %)");

    private double? ReadNonNegative(string noun, string metric, JsonElement value, string path, string hint)
    {
        if (!IsKind(value, JsonValueKind.Number, path, "a number"))
        {
            return null;
        }

        if (!value.TryGetDouble(out var tolerance) || !double.IsFinite(tolerance) || tolerance < 0)
        {
            Error(path, $"{noun} for {Q(metric)} must be a number, 0 or more{hint}; it is {Raw(value)}.");
            return null;
        }

        return tolerance;
    }

    private static string RangeText(MetricDefinition metric) =>
        (double.IsFinite(metric.Minimum), double.IsFinite(metric.Maximum)) switch
        {
            (true, true) => string.Create(CultureInfo.InvariantCulture, $"between {metric.Minimum} and {metric.Maximum}"),
            (true, false) => string.Create(CultureInfo.InvariantCulture, $"{metric.Minimum} or more"),
            (false, true) => string.Create(CultureInfo.InvariantCulture, $"at most {metric.Maximum}"),
            _ => "a finite number",
        };

    private void CheckKeysAreListedMetrics(Dictionary<string, double>? map, string path, string noun, List<string> metrics)
    {
        if (map is null)
        {
            return;
        }

        foreach (var metric in map.Keys)
        {
            if (metrics.Contains(metric, StringComparer.Ordinal))
            {
                continue;
            }

            var entryPath = JsonPath.Property(path, metric);
            if (MetricDefinition.Find(metric) is not null)
            {
                Error(entryPath, $"{noun} for {Q(metric)} has no metric to apply to: add {Q(metric)} to $.validation.metrics, or remove the {noun.ToLowerInvariant()}.");
                continue;
            }

            var closest = FieldSuggestions.Closest(metric, metrics);
            Error(entryPath, closest.Count > 0
                ? $"{noun} for {Q(metric)} names no metric in $.validation.metrics; did you mean {Quoting.List(closest, "or")}?"
                : $"{noun} for {Q(metric)} names no metric in $.validation.metrics, which lists {Quoting.List(metrics)}.");
        }
    }

    private void CheckValidationAgainstTask(ValidationDraft validation, ModelTask task, bool taskValid, string taskClause)
    {
        if (taskValid && task == ModelTask.Other)
        {
            Error(ValidationPath, $"Validation needs task 'classification' or 'regression' to know how to score the model, but {taskClause}.");
            return;
        }

        if (validation.Metrics is null)
        {
            return;
        }

        // With an unreadable task, metrics are still checked against every known name, and not against the task.
        var candidates = taskValid ? MetricDefinition.For(task) : MetricDefinition.All;
        var candidateNames = candidates.Select(metric => metric.Name).ToList();
        var listed = taskValid
            ? $"the metrics for {TaskName(task)} are {Quoting.List(candidateNames)}"
            : $"the metrics are {Quoting.List(candidateNames)}";
        for (var i = 0; i < validation.Metrics.Count; i++)
        {
            var name = validation.Metrics[i];
            var path = JsonPath.Index(JsonPath.Property(ValidationPath, "metrics"), i);
            var definition = MetricDefinition.Find(name);
            if (definition is null)
            {
                var closest = FieldSuggestions.SameIgnoringCase(name, candidateNames) is { } same ? [same] : FieldSuggestions.Closest(name, candidateNames);
                var suggestion = closest.Count > 0 ? $"; did you mean {Quoting.List(closest, "or")}?" : ".";
                Error(path, $"Metric {Q(name)} is not known{suggestion} {Capitalized(listed)}.");
            }
            else if (taskValid && definition.Task != task)
            {
                Error(path, $"Metric {Q(name)} is for {TaskName(definition.Task)}, but {taskClause}; {listed}.");
            }
        }
    }

    private void CheckLabelColumnIsNotAFeature(ValidationDraft validation, Dictionary<string, InputSpec>? inputs)
    {
        if (validation.LabelColumn is not { } label || inputs is null)
        {
            return;
        }

        foreach (var (inputName, spec) in inputs)
        {
            if (spec.FeatureNames.Contains(label, StringComparer.Ordinal))
            {
                Error(JsonPath.Property(ValidationPath, "labelColumn"),
                    $"Label column {Q(label)} is also a feature of input {Q(inputName)}; the true label must not be an input to the model.");
            }
        }
    }

    /// <summary>The validation section as read so far; a member stays null when its value was wrong or absent.</summary>
    private sealed class ValidationDraft
    {
        public string? Dataset { get; set; }

        public string? LabelColumn { get; set; }

        public List<string>? Metrics { get; set; }

        public Dictionary<string, double>? Thresholds { get; set; }

        public string? BaselineLabel { get; set; }

        public Dictionary<string, double>? BaselineTolerance { get; set; }

        public Dictionary<string, double>? BaselineRelativeTolerance { get; set; }

        public ValidationSpec? Build() => Dataset is null || LabelColumn is null || Metrics is null
            ? null
            : new ValidationSpec
            {
                Dataset = Dataset,
                LabelColumn = LabelColumn,
                Metrics = Metrics.AsReadOnly(),
                Thresholds = Thresholds is null ? System.Collections.ObjectModel.ReadOnlyDictionary<string, double>.Empty : Thresholds.AsReadOnly(),
                BaselineLabel = BaselineLabel,
                BaselineTolerance = BaselineTolerance is null ? System.Collections.ObjectModel.ReadOnlyDictionary<string, double>.Empty : BaselineTolerance.AsReadOnly(),
                BaselineRelativeTolerance = BaselineRelativeTolerance is null ? System.Collections.ObjectModel.ReadOnlyDictionary<string, double>.Empty : BaselineRelativeTolerance.AsReadOnly(),
            };
    }
}
