using System.Globalization;
using System.Text.Json;

namespace Cloud.Sdk.Manifests;

/// <summary>The manifest's sections: inputs, batching, promotion, tags and lineage.</summary>
internal sealed partial class ManifestParser
{
    private const string LabelRule = LabelName.Rule;

    private Dictionary<string, InputSpec>? ReadInputs(JsonElement value, string path)
    {
        var inputs = new Dictionary<string, InputSpec>(StringComparer.Ordinal);
        var valid = true;
        var mapped = ReadMap(value, path, (inputName, entry, entryPath) =>
        {
            if (inputName.Length == 0 || inputName.Any(char.IsControl))
            {
                Error(entryPath, $"Input name {Q(inputName)} in {path} is {(inputName.Length == 0 ? "empty" : "not printable")}; use the ONNX model's input name.");
                valid = false;
                return;
            }

            if (!IsKind(entry, JsonValueKind.Object, entryPath, "an object"))
            {
                valid = false;
                return;
            }

            List<string>? features = null;
            ReadObject(entry, entryPath, ManifestFields.Input, (_, field, fieldPath) =>
            {
                features = ReadStringList(field, fieldPath, "feature name");
                if (features is { Count: 0 })
                {
                    Error(fieldPath, $"{fieldPath} is empty; list the input's feature names, or leave the input out.");
                    features = null;
                }
            });

            if (features is null)
            {
                valid = false;
                return;
            }

            inputs[inputName] = new InputSpec { FeatureNames = features.AsReadOnly() };
        });

        if (!mapped)
        {
            return null;
        }

        // An instance given as a JSON object is split into inputs by its keys, so a key must mean one thing.
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (inputName, spec) in inputs)
        {
            for (var i = 0; i < spec.FeatureNames.Count; i++)
            {
                var feature = spec.FeatureNames[i];
                var featurePath = JsonPath.Index(JsonPath.Property(JsonPath.Property(path, inputName), "featureNames"), i);
                if (owners.TryGetValue(feature, out var owner))
                {
                    Error(featurePath, $"Feature name {Q(feature)} of input {Q(inputName)} is also a feature of input {Q(owner)}; feature names must be unique across inputs so that each key of an instance object names one value.");
                    valid = false;
                }
                else if (feature != inputName && inputs.ContainsKey(feature))
                {
                    Error(featurePath, $"Feature name {Q(feature)} of input {Q(inputName)} is also the name of input {Q(feature)}; an instance object could not tell which one the key means.");
                    valid = false;
                }
                else
                {
                    owners[feature] = inputName;
                }
            }
        }

        return valid ? inputs : null;
    }

    private BatchingOverrides? ReadBatching(JsonElement value, string path)
    {
        if (!IsKind(value, JsonValueKind.Object, path, "an object"))
        {
            return null;
        }

        int? maxBatchSize = null, numBatchThreads = null, maxEnqueuedBatches = null, minParallelBatchSize = null;
        TimeSpan? batchTimeout = null;
        List<int>? allowed = null;
        var maxBatchSizePresent = false;
        var batchSizeRange = string.Create(CultureInfo.InvariantCulture, $"a whole number from 1 to {ManifestLimits.MaxBatchSize}");
        ReadObject(value, path, ManifestFields.Batching, (field, fieldValue, fieldPath) =>
        {
            switch (field)
            {
                case "maxBatchSize":
                    maxBatchSizePresent = true;
                    maxBatchSize = (int?)ReadWholeNumber(fieldValue, fieldPath, 1, ManifestLimits.MaxBatchSize, batchSizeRange);
                    break;
                case "batchTimeoutMs":
                    var milliseconds = ReadNumber(fieldValue, fieldPath, 0, ManifestLimits.MaxBatchTimeoutMs,
                        string.Create(CultureInfo.InvariantCulture, $"a number of milliseconds from 0 to {ManifestLimits.MaxBatchTimeoutMs}"));
                    batchTimeout = milliseconds is { } ms ? TimeSpan.FromTicks((long)Math.Round(ms * TimeSpan.TicksPerMillisecond)) : null;
                    break;
                case "numBatchThreads":
                    numBatchThreads = (int?)ReadWholeNumber(fieldValue, fieldPath, 1, ManifestLimits.MaxBatchThreads,
                        string.Create(CultureInfo.InvariantCulture, $"a whole number from 1 to {ManifestLimits.MaxBatchThreads}"));
                    break;
                case "maxEnqueuedBatches":
                    maxEnqueuedBatches = (int?)ReadWholeNumber(fieldValue, fieldPath, 1, ManifestLimits.MaxEnqueuedBatches,
                        string.Create(CultureInfo.InvariantCulture, $"a whole number from 1 to {ManifestLimits.MaxEnqueuedBatches}"));
                    break;
                case "allowedBatchSizes":
                    allowed = ReadAllowedBatchSizes(fieldValue, fieldPath, batchSizeRange);
                    break;
                case "minParallelBatchSize":
                    minParallelBatchSize = (int?)ReadWholeNumber(fieldValue, fieldPath, 1, ManifestLimits.MaxBatchSize, batchSizeRange);
                    break;
            }
        });

        // TF Serving's rule: a batch is padded up to the next allowed size, so the largest must be the largest batch.
        if (allowed is { Count: > 0 })
        {
            if (!maxBatchSizePresent)
            {
                Error(JsonPath.Property(path, "maxBatchSize"), string.Create(CultureInfo.InvariantCulture,
                    $"{path}.allowedBatchSizes needs maxBatchSize beside it, equal to its last entry ({allowed[^1]}), as in TF Serving."));
            }
            else if (maxBatchSize is { } max && allowed[^1] != max)
            {
                Error(JsonPath.Property(path, "allowedBatchSizes"), string.Create(CultureInfo.InvariantCulture,
                    $"The last allowed batch size ({allowed[^1]}) must equal maxBatchSize ({max}), as in TF Serving."));
            }
        }

        return new BatchingOverrides
        {
            MaxBatchSize = maxBatchSize,
            BatchTimeout = batchTimeout,
            NumBatchThreads = numBatchThreads,
            MaxEnqueuedBatches = maxEnqueuedBatches,
            AllowedBatchSizes = allowed?.AsReadOnly() ?? (IReadOnlyList<int>)[],
            MinParallelBatchSize = minParallelBatchSize,
        };
    }

    private List<int>? ReadAllowedBatchSizes(JsonElement value, string path, string range)
    {
        if (!IsKind(value, JsonValueKind.Array, path, "an array of whole numbers"))
        {
            return null;
        }

        var sizes = new List<int>();
        var valid = true;
        long? previous = null;
        var index = 0;
        foreach (var element in value.EnumerateArray())
        {
            var elementPath = JsonPath.Index(path, index++);
            if (ReadWholeNumber(element, elementPath, 1, ManifestLimits.MaxBatchSize, range) is not { } size)
            {
                valid = false;
                continue;
            }

            if (size <= previous)
            {
                Error(elementPath, string.Create(CultureInfo.InvariantCulture, $"{path} must be in ascending order without repeats, but {size} follows {previous}."));
                valid = false;
            }

            previous = size;
            sizes.Add((int)size);
        }

        if (valid && sizes.Count == 0)
        {
            Error(path, $"{path} is empty; list at least one batch size, or leave the field out.");
        }

        return valid && sizes.Count > 0 ? sizes : null;
    }

    private PromotionPolicy? ReadPromotion(JsonElement value, string path)
    {
        if (!IsKind(value, JsonValueKind.Object, path, "an object"))
        {
            return null;
        }

        PromotionAction? onValidated = null;
        SoakPromotion? afterSoak = null;
        ReadObject(value, path, ManifestFields.Promotion, (name, field, fieldPath) =>
        {
            if (name == "onValidated")
            {
                onValidated = ReadPromotionAction(field, fieldPath);
            }
            else
            {
                afterSoak = ReadSoakPromotion(field, fieldPath);
            }
        });
        return new PromotionPolicy { OnValidated = onValidated, AfterSoak = afterSoak };
    }

    private SoakPromotion? ReadSoakPromotion(JsonElement value, string path)
    {
        if (!IsKind(value, JsonValueKind.Object, path, "an object"))
        {
            return null;
        }

        double? minutes = null;
        string? compareWith = null;
        List<string>? setLabels = null;
        Dictionary<string, int>? traffic = null;
        double? maxErrorRateIncrease = null, maxLatencyRatio = null;
        long? minRequests = null;
        var valid = true;
        ReadObject(value, path, ManifestFields.SoakPromotion, (field, fieldValue, fieldPath) =>
        {
            switch (field)
            {
                case "soakMinutes":
                    // A number of minutes, as batchTimeoutMs is a number of milliseconds: typed, and fractions allowed.
                    minutes = ReadNumber(fieldValue, fieldPath, 0, ManifestLimits.MaxSoakMinutes,
                        string.Create(CultureInfo.InvariantCulture, $"a number of minutes above 0, at most {ManifestLimits.MaxSoakMinutes} (a week)"));
                    if (minutes is 0)
                    {
                        Error(fieldPath, $"{fieldPath} is 0; a soak needs time to measure anything. Promote at once with onValidated, or through POST .../promote.");
                        minutes = null;
                    }

                    valid &= minutes is not null;
                    break;
                case "compareWith":
                    compareWith = ReadString(fieldValue, fieldPath);
                    if (compareWith is not null && LabelName.Problem(compareWith) is { } problem)
                    {
                        Error(fieldPath, $"Label {Q(compareWith)} is not a valid label: {problem}. {LabelRule}");
                        compareWith = null;
                    }

                    valid &= compareWith is not null;
                    break;
                case "setLabels":
                    setLabels = ReadLabels(fieldValue, fieldPath);
                    valid &= setLabels is not null;
                    break;
                case "traffic":
                    traffic = ReadTraffic(fieldValue, fieldPath);
                    valid &= traffic is not null;
                    break;
                case "maxErrorRateIncrease":
                    maxErrorRateIncrease = ReadNumber(fieldValue, fieldPath, 0, 1, "a fraction of requests from 0 to 1");
                    valid &= maxErrorRateIncrease is not null;
                    break;
                case "maxLatencyRatio":
                    maxLatencyRatio = ReadNumber(fieldValue, fieldPath, 1, 1000, "a ratio from 1 (no slower) to 1000");
                    valid &= maxLatencyRatio is not null;
                    break;
                case "minRequests":
                    minRequests = ReadWholeNumber(fieldValue, fieldPath, 1, ManifestLimits.MaxSoakRequests,
                        string.Create(CultureInfo.InvariantCulture, $"a whole number from 1 to {ManifestLimits.MaxSoakRequests}"));
                    valid &= minRequests is not null;
                    break;
            }
        });

        if (valid && setLabels is null && traffic is null)
        {
            Error(path, $"{path} does nothing; give it setLabels, traffic or both.");
            return null;
        }

        return !valid || minutes is not { } window ? null : new SoakPromotion
        {
            Window = TimeSpan.FromTicks((long)Math.Round(window * TimeSpan.TicksPerMinute)),
            CompareWith = compareWith ?? "stable",
            Action = new PromotionAction
            {
                SetLabels = setLabels?.AsReadOnly() ?? (IReadOnlyList<string>)[],
                Traffic = traffic?.AsReadOnly() ?? (IReadOnlyDictionary<string, int>)System.Collections.ObjectModel.ReadOnlyDictionary<string, int>.Empty,
            },
            MaxErrorRateIncrease = maxErrorRateIncrease ?? 0,
            MaxLatencyRatio = maxLatencyRatio ?? 1,
            MinRequests = minRequests ?? 1,
        };
    }

    private PromotionAction? ReadPromotionAction(JsonElement value, string path)
    {
        _hasOnValidated = true;
        if (!IsKind(value, JsonValueKind.Object, path, "an object"))
        {
            return null;
        }

        if (!value.EnumerateObject().Any())
        {
            Error(path, $"{path} does nothing; give it setLabels, traffic or both.");
            return null;
        }

        List<string>? setLabels = null;
        Dictionary<string, int>? traffic = null;
        ReadObject(value, path, ManifestFields.PromotionAction, (field, fieldValue, fieldPath) =>
        {
            if (field == "setLabels")
            {
                setLabels = ReadLabels(fieldValue, fieldPath);
            }
            else
            {
                traffic = ReadTraffic(fieldValue, fieldPath);
            }
        });

        return new PromotionAction
        {
            SetLabels = setLabels?.AsReadOnly() ?? (IReadOnlyList<string>)[],
            Traffic = traffic?.AsReadOnly() ?? (IReadOnlyDictionary<string, int>)System.Collections.ObjectModel.ReadOnlyDictionary<string, int>.Empty,
        };
    }

    private List<string>? ReadLabels(JsonElement value, string path)
    {
        var labels = ReadStringList(value, path, "label", (label, labelPath) =>
        {
            if (LabelName.Problem(label) is not { } problem)
            {
                return true;
            }

            Error(labelPath, $"Label {Q(label)} is not a valid label: {problem}. {LabelRule}");
            return false;
        });

        if (labels is { Count: 0 })
        {
            Error(path, $"{path} is empty; list at least one label, or leave the field out.");
            return null;
        }

        return labels;
    }

    private Dictionary<string, int>? ReadTraffic(JsonElement value, string path)
    {
        var weights = new Dictionary<string, int>(StringComparer.Ordinal);
        var valid = true;
        var mapped = ReadMap(value, path, (label, weight, weightPath) =>
        {
            if (LabelName.Problem(label) is { } problem)
            {
                Error(weightPath, $"Traffic label {Q(label)} is not a valid label: {problem}. {LabelRule}");
                valid = false;
            }
            else if (ReadWholeNumber(weight, weightPath, 0, 100, "a whole percentage from 0 to 100") is { } percent)
            {
                weights[label] = (int)percent;
            }
            else
            {
                valid = false;
            }
        });

        if (!mapped || !valid)
        {
            return null;
        }

        if (weights.Count == 0)
        {
            Error(path, $"{path} is empty; give each label its share of 100, or leave the field out.");
            return null;
        }

        var sum = weights.Values.Sum();
        if (sum != 100)
        {
            Error(path, string.Create(CultureInfo.InvariantCulture, $"Traffic weights must add up to 100, but those in {path} add up to {sum}."));
            return null;
        }

        return weights;
    }

    private Dictionary<string, string>? ReadTags(JsonElement value, string path)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var valid = true;
        var count = 0;
        var mapped = ReadMap(value, path, (key, tag, tagPath) =>
        {
            count++;
            if (LowercaseIdentifier.Problem(key, ManifestLimits.MaxTagKeyLength, allowUnderscore: true) is { } problem)
            {
                Error(tagPath, $"Tag key {Q(key)} is not valid: {problem}. Use 1 to 63 lowercase letters, digits, '_' or '-', starting with a letter.");
                valid = false;
            }
            else if (ReadString(tag, tagPath) is not { } text)
            {
                valid = false;
            }
            else if (text.Length > ManifestLimits.MaxTagValueLength)
            {
                Error(tagPath, string.Create(CultureInfo.InvariantCulture,
                    $"Tag {Q(key)} has a value {text.Length} characters long and the limit is {ManifestLimits.MaxTagValueLength}."));
                valid = false;
            }
            else if (text.Any(char.IsControl))
            {
                Error(tagPath, $"Tag {Q(key)} has a control character in its value; a tag value is one line of text.");
                valid = false;
            }
            else
            {
                tags[key] = text;
            }
        });

        if (count > ManifestLimits.MaxTags)
        {
            Error(path, string.Create(CultureInfo.InvariantCulture, $"{path} has {count} tags and the limit is {ManifestLimits.MaxTags}."));
            valid = false;
        }

        return mapped && valid ? tags : null;
    }

    private ModelLineage? ReadLineage(JsonElement value, string path)
    {
        if (!IsKind(value, JsonValueKind.Object, path, "an object"))
        {
            return null;
        }

        string? trainer = null, dataset = null, sourceRevision = null, parentVersion = null, jobId = null, datasetSha256 = null;
        long? seed = null;
        Dictionary<string, JsonElement>? hyperParameters = null;
        ReadObject(value, path, ManifestFields.Lineage, (field, fieldValue, fieldPath) =>
        {
            switch (field)
            {
                case "trainer":
                    trainer = ReadString(fieldValue, fieldPath);
                    break;
                case "dataset":
                    dataset = ReadString(fieldValue, fieldPath);
                    break;
                case "sourceRevision":
                    sourceRevision = ReadString(fieldValue, fieldPath);
                    break;
                case "seed":
                    seed = ReadWholeNumber(fieldValue, fieldPath, long.MinValue, long.MaxValue, "a whole number");
                    break;
                case "hyperParameters":
                    hyperParameters = ReadHyperParameters(fieldValue, fieldPath);
                    break;
                case "parentVersion":
                    parentVersion = ReadString(fieldValue, fieldPath);
                    parentVersion = CheckVersion(parentVersion, fieldPath) is null ? null : parentVersion;
                    break;
                case "jobId":
                    jobId = CheckJobId(ReadString(fieldValue, fieldPath), fieldPath);
                    break;
                case "datasetSha256":
                    datasetSha256 = CheckSha256(ReadString(fieldValue, fieldPath), fieldPath, "Dataset SHA-256", "the dataset's");
                    break;
            }
        });

        return new ModelLineage
        {
            Trainer = trainer,
            Dataset = dataset,
            SourceRevision = sourceRevision,
            Seed = seed,
            ParentVersion = parentVersion,
            JobId = jobId,
            DatasetSha256 = datasetSha256,
            HyperParameters = hyperParameters?.AsReadOnly() ?? (IReadOnlyDictionary<string, JsonElement>)System.Collections.ObjectModel.ReadOnlyDictionary<string, JsonElement>.Empty,
        };
    }

    private string? CheckJobId(string? text, string path)
    {
        if (text is null || Jobs.JobIds.IsValid(text))
        {
            return text;
        }

        Error(path, $"Job id {Q(text)} is not valid: use 1 to {Jobs.JobIds.MaxLength} letters, digits, '.', '_', '-' or '+', starting with a letter or digit.");
        return null;
    }

    private Dictionary<string, JsonElement>? ReadHyperParameters(JsonElement value, string path)
    {
        const string Allowed = "a number, string, boolean, or a flat array of those";
        var parameters = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var valid = true;
        var mapped = ReadMap(value, path, (key, parameter, parameterPath) =>
        {
            if (key.Length == 0)
            {
                Error(parameterPath, $"A hyper-parameter in {path} has an empty name; name every hyper-parameter.");
                valid = false;
                return;
            }

            if (parameter.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                var flat = true;
                foreach (var element in parameter.EnumerateArray())
                {
                    var elementPath = JsonPath.Index(parameterPath, index++);
                    if (!IsScalar(element))
                    {
                        Error(elementPath, $"Hyper-parameter {Q(key)} must be {Allowed}, but {elementPath} is {Kind(element)}.");
                        flat = false;
                    }
                }

                valid &= flat;
                if (flat)
                {
                    // Cloned: the manifest outlives the parsed document.
                    parameters[key] = parameter.Clone();
                }
            }
            else if (IsScalar(parameter))
            {
                parameters[key] = parameter.Clone();
            }
            else
            {
                Error(parameterPath, $"Hyper-parameter {Q(key)} must be {Allowed}, not {Kind(parameter)}.");
                valid = false;
            }
        });

        return mapped && valid ? parameters : null;
    }

    private static bool IsScalar(JsonElement value) =>
        value.ValueKind is JsonValueKind.Number or JsonValueKind.String or JsonValueKind.True or JsonValueKind.False;
}
