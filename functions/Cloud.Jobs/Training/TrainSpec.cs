using System.Globalization;
using System.Text.Json;
using Cloud.Jobs.Runner;
using Cloud.Sdk.Jobs;
using Cloud.Sdk.Manifests;
using Cloud.Storage.Blobs;

namespace Cloud.Jobs.Training;

/// <summary>
/// What a train job asks for (docs/jobs.md, "Train"): the model from the message, the parent version as the message's
/// version (so submission checks that it exists), and from <c>spec</c> the trainer command, the dataset, the
/// hyper-parameters, the new version's name, GPUs, a timeout and the label column.
/// </summary>
internal sealed record TrainSpec(
    string Model,
    string? Parent,
    IReadOnlyList<string> Command,
    string Dataset,
    JsonElement? HyperParameters,
    string? HyperParametersFile,
    string? Version,
    string CudaVisibleDevices,
    TimeSpan? Timeout,
    string? LabelColumn,
    JsonElement? Promotion = null)
{
    public const int MaxArguments = 64;
    public const int MaxArgumentLength = 1024;
    public const int MaxGpus = 64;

    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal)
    {
        "command", "dataset", "hyperParameters", "hyperParametersFile", "version", "gpus", "timeout", "labelColumn", "promotion",
    };

    /// <summary>The spec, or <see cref="JobFailedException"/> naming the first thing wrong with it.</summary>
    public static TrainSpec Parse(JobMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrEmpty(message.Model))
        {
            throw Bad("A train job names the model it trains (\"model\"); its \"version\", when given, is the parent version the trainer starts from.");
        }

        if (message.Spec is not { ValueKind: JsonValueKind.Object } spec)
        {
            throw Bad("A train job needs a spec with at least \"command\" (the trainer's argv, e.g. [\"logreg/train.py\"]) and \"dataset\" (a path in the model store).");
        }

        foreach (var property in spec.EnumerateObject())
        {
            if (!Fields.Contains(property.Name))
            {
                throw Bad($"A train job's spec has no field '{TrainText.Escape(property.Name, 64)}'; its fields are {string.Join(", ", Fields.Order(StringComparer.Ordinal))}.");
            }
        }

        return new TrainSpec(
            message.Model,
            message.Version,
            ReadCommand(spec),
            ReadDataset(spec),
            spec.TryGetProperty("hyperParameters", out var hyper) ? hyper : null,
            ReadOptionalStorePath(spec, "hyperParametersFile"),
            ReadVersion(spec),
            ReadGpus(spec),
            ReadTimeout(spec),
            ReadOptionalString(spec, "labelColumn"),
            ReadPromotion(spec));
    }

    /// <summary>
    /// The promotion policy the new version's model.json gets, replacing the trainer's (docs/model-folder.md#promotion):
    /// how a version earns traffic is the submitter's to say, not the trainer's. Its fields are checked with the whole
    /// manifest before the version is taken.
    /// </summary>
    private static JsonElement? ReadPromotion(JsonElement spec) =>
        !spec.TryGetProperty("promotion", out var promotion) ? null
        : promotion.ValueKind == JsonValueKind.Object ? promotion.Clone()
        : throw Bad($"A train job's spec.promotion is model.json's promotion section, e.g. {{\"onValidated\": {{\"setLabels\": [\"canary\"], \"traffic\": {{\"stable\": 90, \"canary\": 10}}}}}}; got {Shorten(promotion)}.");

    private static List<string> ReadCommand(JsonElement spec)
    {
        if (!spec.TryGetProperty("command", out var command))
        {
            throw Bad("A train job's spec.command is the trainer's argv, e.g. [\"logreg/train.py\", \"--quiet\"]; it is missing.");
        }

        if (command.ValueKind != JsonValueKind.Array || command.GetArrayLength() is 0 or > MaxArguments
            || command.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String || a.GetString()!.Length is 0 or > MaxArgumentLength || a.GetString()!.Contains('\0', StringComparison.Ordinal)))
        {
            // An argv array and never a shell string: nothing in it is ever interpreted by a shell.
            throw Bad($"A train job's spec.command is an array of 1 to {MaxArguments} non-empty strings of at most {MaxArgumentLength} characters (the trainer's argv, never a shell command line); got {Shorten(command)}.");
        }

        return [.. command.EnumerateArray().Select(a => a.GetString()!)];
    }

    private static string ReadDataset(JsonElement spec) =>
        ReadOptionalStorePath(spec, "dataset")
        ?? throw Bad("A train job's spec.dataset is the training data's path in the model store, e.g. \"data/iris.csv\" or \"iris/1.0.0/train.csv\"; it is missing.");

    private static string? ReadOptionalStorePath(JsonElement spec, string field)
    {
        var text = ReadOptionalString(spec, field);
        if (text is null)
        {
            return null;
        }

        try
        {
            return BlobPath.Validate(text);
        }
        catch (ArgumentException error)
        {
            throw Bad($"A train job's spec.{field} must be a path in the model store: {error.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private static string? ReadVersion(JsonElement spec)
    {
        var version = ReadOptionalString(spec, "version");
        return version is not null && ModelVersions.Validate(version) is { } problem ? throw Bad($"A train job's spec.version names the new version: {problem}") : version;
    }

    /// <summary>CUDA_VISIBLE_DEVICES for the request: "" (no GPU) by default, "0,…,n-1" for a count, or the device list given.</summary>
    private static string ReadGpus(JsonElement spec)
    {
        if (!spec.TryGetProperty("gpus", out var gpus))
        {
            return string.Empty;
        }

        if (gpus.ValueKind == JsonValueKind.Number && gpus.TryGetInt32(out var count) && count is >= 0 and <= MaxGpus)
        {
            return string.Join(',', Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)));
        }

        if (gpus.ValueKind == JsonValueKind.String && gpus.GetString() is { Length: <= 256 } list
            && (list.Length == 0 || list.Split(',').All(d => d.Length is > 0 and <= 3 && d.All(char.IsAsciiDigit))))
        {
            return list;
        }

        throw Bad($"A train job's spec.gpus is a number of GPUs from 0 to {MaxGpus}, or a list of device indexes such as \"0,2\"; got {Shorten(gpus)}.");
    }

    private static TimeSpan? ReadTimeout(JsonElement spec)
    {
        if (!spec.TryGetProperty("timeout", out var timeout))
        {
            return null;
        }

        TimeSpan? value = timeout.ValueKind switch
        {
            JsonValueKind.Number when timeout.TryGetDouble(out var seconds) && seconds > 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2 => TimeSpan.FromSeconds(seconds),
            JsonValueKind.String when TimeSpan.TryParse(timeout.GetString(), CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero => span,
            _ => null,
        };
        return value ?? throw Bad($"A train job's spec.timeout is a positive number of seconds or a duration such as \"00:30:00\"; got {Shorten(timeout)}.");
    }

    private static string? ReadOptionalString(JsonElement spec, string field)
    {
        if (!spec.TryGetProperty(field, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Bad($"A train job's spec.{field} must be a non-empty string; got {Shorten(value)}.");
    }

    private static string Shorten(JsonElement value) => TrainText.Escape(value.GetRawText(), 80);

    private static JobFailedException Bad(string message) => new(message);
}
