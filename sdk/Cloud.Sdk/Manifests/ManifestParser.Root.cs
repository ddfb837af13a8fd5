using System.Collections.ObjectModel;
using System.Text.Json;
using Semver;

namespace Cloud.Sdk.Manifests;

/// <summary>The top-level fields, the cross-field checks, and building the manifest.</summary>
internal sealed partial class ManifestParser
{
    private static readonly string[] TaskNames = ["classification", "regression", "other"];

    private ModelManifest? ReadRoot(JsonElement root, string? expectedName, string? expectedVersion)
    {
        string? nameText = null, versionText = null, modelFile = null, sha256 = null, description = null, warmUp = null;
        string? name = null;
        SemVersion? version = null;
        bool formatValid = false, taskPresent = false, taskValid = true, allowNonFinite = false;
        long? modelSize = null;
        var task = ModelTask.Other;
        List<string>? classNames = null;
        var hasClassNames = false;
        Dictionary<string, InputSpec>? inputs = null;
        BatchingOverrides? batching = null;
        ValidationDraft? validation = null;
        PromotionPolicy? promotion = null;
        Dictionary<string, string>? tags = null;
        ModelLineage? lineage = null;

        ReadObject(root, JsonPath.Root, ManifestFields.Root, (field, value, path) =>
        {
            switch (field)
            {
                case "$schema":
                    // Lets editors find docs/model.schema.json; Cloud does not read it.
                    ReadString(value, path);
                    break;
                case "name":
                    nameText = ReadString(value, path);
                    name = CheckName(nameText, path);
                    break;
                case "version":
                    versionText = ReadString(value, path);
                    version = CheckVersion(versionText, path);
                    break;
                case "format":
                    formatValid = CheckFormat(ReadString(value, path), path);
                    break;
                case "modelFile":
                    modelFile = CheckModelFile(ReadString(value, path), path);
                    break;
                case "modelSha256":
                    sha256 = CheckSha256(ReadString(value, path), path);
                    break;
                case "modelSize":
                    modelSize = ReadWholeNumber(value, path, 0, long.MaxValue, "a whole number of bytes, 0 or more");
                    break;
                case "task":
                    taskPresent = true;
                    (taskValid, task) = CheckTask(ReadString(value, path), path);
                    break;
                case "classNames":
                    hasClassNames = true;
                    classNames = ReadStringList(value, path, "class name");
                    if (classNames is { Count: < 2 })
                    {
                        Error(path, $"A classifier has at least 2 classes, but {path} lists {classNames.Count}.");
                        classNames = null;
                    }

                    break;
                case "inputs":
                    inputs = ReadInputs(value, path);
                    break;
                case "batching":
                    batching = ReadBatching(value, path);
                    break;
                case "warmUp":
                    warmUp = CheckWarmUp(ReadString(value, path), path);
                    break;
                case "allowNonFinite":
                    if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    {
                        allowNonFinite = value.GetBoolean();
                    }
                    else
                    {
                        TypeError(value, path, "true or false");
                    }

                    break;
                case "validation":
                    validation = ReadValidation(value, path);
                    break;
                case "promotion":
                    promotion = ReadPromotion(value, path);
                    break;
                case "description":
                    description = ReadString(value, path);
                    break;
                case "tags":
                    tags = ReadTags(value, path);
                    break;
                case "lineage":
                    lineage = ReadLineage(value, path);
                    break;
            }
        });

        // Checks that relate fields in different places, after the whole document has been read.
        var taskClause = taskPresent ? $"the task is {Q(TaskName(task))}" : "the task is 'other' (the default when task is left out)";
        if (hasClassNames && taskValid && task != ModelTask.Classification)
        {
            Error(JsonPath.Property(JsonPath.Root, "classNames"), $"Class names are only for task 'classification', but {taskClause}.");
        }

        if (validation is not null)
        {
            CheckValidationAgainstTask(validation, task, taskValid, taskClause);
            CheckLabelColumnIsNotAFeature(validation, inputs);
        }

        if (_hasOnValidated && !root.TryGetProperty("validation", out _))
        {
            Error("$.promotion.onValidated", "Promotion on validation needs a validation section: without $.validation the version is never validated, so it would never be promoted.");
        }

        CheckFolder(nameText, versionText, expectedName, expectedVersion);

        if (_errors.Count > 0 || name is null || version is null || !formatValid || modelFile is null)
        {
            return null;
        }

        return new ModelManifest
        {
            Name = name,
            Version = version,
            Format = ModelFormat.Onnx,
            ModelFile = modelFile,
            ModelSha256 = sha256,
            ModelSize = modelSize,
            Task = task,
            ClassNames = classNames?.AsReadOnly() ?? (IReadOnlyList<string>)[],
            Inputs = inputs is null ? ReadOnlyDictionary<string, InputSpec>.Empty : inputs.AsReadOnly(),
            Batching = batching,
            WarmUp = warmUp,
            AllowNonFinite = allowNonFinite,
            Validation = validation?.Build(),
            Promotion = promotion,
            Description = description,
            Tags = tags is null ? ReadOnlyDictionary<string, string>.Empty : tags.AsReadOnly(),
            Lineage = lineage,
        };
    }

    private string? CheckName(string? text, string path)
    {
        if (text is null)
        {
            return null;
        }

        if (ModelName.Problem(text) is { } problem)
        {
            Error(path, $"Name {Q(text)} is not a valid model name: {problem}. {ModelName.Rule}");
            return null;
        }

        return text;
    }

    private SemVersion? CheckVersion(string? text, string path)
    {
        if (text is null)
        {
            return null;
        }

        if (ModelVersions.Check(text, out var version) is { } problem)
        {
            Error(path, problem);
        }

        return version;
    }

    private bool CheckFormat(string? text, string path)
    {
        if (text is null || text == "onnx")
        {
            return text is not null;
        }

        Error(path, string.Equals(text, "onnx", StringComparison.OrdinalIgnoreCase)
            ? $"Format {Q(text)} must be written 'onnx', in lowercase."
            : $"Format {Q(text)} is not supported; the only format is 'onnx'.");
        return false;
    }

    private string? CheckModelFile(string? text, string path)
    {
        if (text is null)
        {
            return null;
        }

        if (text == ModelManifest.FileName)
        {
            Error(path, $"Model file 'model.json' is the manifest itself; name the ONNX file, such as \"model.onnx\".");
            return null;
        }

        if (FileNames.FileNameProblem(text) is { } problem)
        {
            Error(path, $"Model file {Q(text)} is not a plain file name: {problem}. Name a file directly inside the model folder, such as \"model.onnx\".");
            return null;
        }

        return text;
    }

    private string? CheckWarmUp(string? text, string path)
    {
        if (text is null)
        {
            return null;
        }

        if (FileNames.RelativePathProblem(text) is { } problem)
        {
            Error(path, $"Warm-up file {Q(text)} is not a relative path inside the model folder: {problem}. Use a path such as \"warmup.json\" or \"data/warmup.json\".");
            return null;
        }

        if (text == ModelManifest.FileName)
        {
            Error(path, "Warm-up file 'model.json' is the manifest itself; name a file that holds one inference request, such as \"warmup.json\".");
            return null;
        }

        return text;
    }

    private string? CheckSha256(string? text, string path, string what = "Model SHA-256", string whose = "the file's")
    {
        if (text is null)
        {
            return null;
        }

        var notHex = text.FirstOrDefault(c => !char.IsAsciiHexDigit(c));
        var problem =
            notHex != default ? $"contains '{Quoting.Char(notHex)}', which is not a hexadecimal digit" :
            text.Length != 64 ? $"has {text.Length} digits" :
            text.Any(char.IsAsciiLetterUpper) ? "has uppercase letters" :
            null;
        if (problem is null)
        {
            return text;
        }

        Error(path, $"{what} {Q(text)} {problem}; write {whose} SHA-256 as 64 lowercase hexadecimal digits.");
        return null;
    }

    private (bool Valid, ModelTask Task) CheckTask(string? text, string path)
    {
        switch (text)
        {
            case null:
                return (false, ModelTask.Other);
            case "classification":
                return (true, ModelTask.Classification);
            case "regression":
                return (true, ModelTask.Regression);
            case "other":
                return (true, ModelTask.Other);
        }

        var sameIgnoringCase = FieldSuggestions.SameIgnoringCase(text, TaskNames);
        var closest = FieldSuggestions.Closest(text, TaskNames);
        Error(path, sameIgnoringCase is not null
            ? $"Task {Q(text)} must be written {Q(sameIgnoringCase)}, in lowercase."
            : $"Task {Q(text)} is not known{(closest.Count > 0 ? $"; did you mean {Quoting.List(closest, "or")}?" : ".")} The tasks are {Quoting.List(TaskNames)}.");
        return (false, ModelTask.Other);
    }

    private static int TaskIndex(ModelTask task) => task switch
    {
        ModelTask.Classification => 0,
        ModelTask.Regression => 1,
        _ => 2,
    };

    private static string TaskName(ModelTask task) => TaskNames[TaskIndex(task)];

    private void CheckFolder(string? nameText, string? versionText, string? expectedName, string? expectedVersion)
    {
        // The folder's own segments come from a storage path, which the manifest cannot vouch for: they are
        // checked by the same rules, so an odd or climbing path is a recorded failure, never a registered model.
        if (expectedName is not null && ModelName.Problem(expectedName) is { } nameProblem)
        {
            Error(JsonPath.Root, $"The folder's name {Q(expectedName)} is not a valid model name: {nameProblem}. {ModelName.Rule}");
        }

        if (expectedVersion is not null && !ModelVersions.TryParse(expectedVersion, out _, out var versionProblem))
        {
            Error(JsonPath.Root, $"The folder's version {Q(expectedVersion)} is not a semantic version: {versionProblem}");
        }

        var folder = $"models/{Quoting.Escape(expectedName ?? "{name}")}/{Quoting.Escape(expectedVersion ?? "{version}")}/";
        if (expectedName is not null && nameText is not null && !string.Equals(nameText, expectedName, StringComparison.Ordinal))
        {
            Error("$.name", $"The manifest says name {Q(nameText)} but the folder is {folder}.");
        }

        if (expectedVersion is not null && versionText is not null && !string.Equals(versionText, expectedVersion, StringComparison.Ordinal))
        {
            Error("$.version", $"The manifest says version {Q(versionText)} but the folder is {folder}.");
        }
    }
}
