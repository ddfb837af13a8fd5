using System.Globalization;
using System.Text;
using System.Text.Json;
using Cloud.Jobs.Runner;
using Cloud.Storage.Blobs;

namespace Cloud.Jobs.Training;

/// <summary>
/// A train job's hyper-parameters: a flat object of names to numbers, strings, booleans or flat arrays of those (what a
/// manifest's <c>lineage.hyperParameters</c> holds, so they are recorded as given). They reach the trainer twice: as a
/// JSON file (CLOUD_HPARAMS) and each as CLOUD_HP_{NAME}. The bounds keep a hostile spec or file from reaching the
/// trainer's environment, the log or the version's row: every refusal names the rule.
/// </summary>
internal sealed class HyperParameters
{
    public const int MaxCount = 64;
    public const int MaxNameLength = 64;
    public const int MaxStringLength = 1024;
    public const int MaxArrayLength = 64;
    public const int MaxFileBytes = 64 * 1024;

    // An object of arrays of scalars is three levels deep; anything deeper is refused by the parser itself, before
    // a deeply nested file can cost anything.
    private const int MaxDepth = 3;

    public const string EnvironmentPrefix = "CLOUD_HP_";

    private HyperParameters(SortedDictionary<string, JsonElement> values) => Values = values;

    public IReadOnlyDictionary<string, JsonElement> Values { get; }

    public static HyperParameters Empty { get; } = new(new SortedDictionary<string, JsonElement>(StringComparer.Ordinal));

    /// <summary>
    /// The file's parameters (a JSON object in the model store) with the spec's on top (a name in both takes the spec's
    /// value), or <see cref="JobFailedException"/> naming what breaks the rules.
    /// </summary>
    public static async Task<HyperParameters> ReadAsync(TrainSpec spec, IBlobStore models, CancellationToken cancellationToken)
    {
        var values = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        if (spec.HyperParametersFile is { } file)
        {
            var what = $"Hyper-parameter file {TrainText.Quote(file)}";
            var properties = await models.GetPropertiesAsync(file, cancellationToken).ConfigureAwait(false)
                ?? throw new JobFailedException($"{what} does not exist in the model store ({models.Description}).");
            if (properties.Size > MaxFileBytes)
            {
                throw new JobFailedException(string.Create(CultureInfo.InvariantCulture, $"{what} is {properties.Size:N0} bytes; the limit is {MaxFileBytes:N0}."));
            }

            var bytes = await models.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false)
                ?? throw new JobFailedException($"{what} does not exist in the model store ({models.Description}).");
            if (bytes.Length > MaxFileBytes)
            {
                throw new JobFailedException(string.Create(CultureInfo.InvariantCulture, $"{what} is {bytes.Length:N0} bytes; the limit is {MaxFileBytes:N0}."));
            }

            try
            {
                using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = MaxDepth });
                Add(values, document.RootElement, what);
            }
            catch (JsonException error)
            {
                throw new JobFailedException($"{what} is not a JSON object of hyper-parameters (an object of names to numbers, strings, booleans or flat arrays of those, nested at most {MaxDepth} deep): {TrainText.Escape(error.Message)}");
            }
        }

        if (spec.HyperParameters is { } given)
        {
            Add(values, given, "A train job's spec.hyperParameters");
        }

        return new HyperParameters(values);
    }

    /// <summary>These parameters with <paramref name="overrides"/> laid over them (a tune trial's drawn values), under the same rules.</summary>
    public HyperParameters With(System.Text.Json.Nodes.JsonObject overrides, string what)
    {
        var values = new SortedDictionary<string, JsonElement>(Values.ToDictionary(), StringComparer.Ordinal);
        using var document = JsonDocument.Parse(overrides.ToJsonString());
        Add(values, document.RootElement, what);
        return new HyperParameters(values);
    }

    /// <summary>The parameters as the JSON object the trainer reads from CLOUD_HPARAMS.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in Values)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>CLOUD_HP_{NAME} (the name upper-cased) for each: strings as they are, numbers as written, arrays as JSON.</summary>
    public IEnumerable<KeyValuePair<string, string>> ToEnvironment() => Values.Select(p => KeyValuePair.Create(
        EnvironmentPrefix + p.Key.ToUpperInvariant(),
        p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()));

    private static void Add(SortedDictionary<string, JsonElement> values, JsonElement source, string what)
    {
        if (source.ValueKind != JsonValueKind.Object)
        {
            throw new JobFailedException($"{what} must be a JSON object of names to values; it is {Kind(source)}.");
        }

        foreach (var property in source.EnumerateObject())
        {
            var name = property.Name;
            if (NameProblem(name) is { } problem)
            {
                throw new JobFailedException($"{what}: hyper-parameter name {TrainText.Quote(name, MaxNameLength)} {problem}");
            }

            // CLOUD_HP_{NAME} upper-cases the name, so two names that differ only in case would be one variable.
            if (values.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase) && k != name) is { } clash)
            {
                throw new JobFailedException($"{what}: hyper-parameters '{clash}' and '{name}' differ only in case; both would be {EnvironmentPrefix}{name.ToUpperInvariant()}.");
            }

            if (ValueProblem(property.Value) is { } bad)
            {
                throw new JobFailedException($"{what}: hyper-parameter '{name}' {bad}");
            }

            values[name] = property.Value.Clone();
            if (values.Count > MaxCount)
            {
                throw new JobFailedException($"{what}: there are more than {MaxCount} hyper-parameters; keep larger configuration in a file of the dataset's.");
            }
        }
    }

    private static string? NameProblem(string name)
    {
        if (name.Length is 0 or > MaxNameLength || !char.IsAsciiLetter(name[0]) || name.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_'))
        {
            return $"is not valid: use 1 to {MaxNameLength} letters, digits or '_', starting with a letter (it becomes part of an environment variable's name).";
        }

        return null;
    }

    private static string? ValueProblem(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            if (value.GetArrayLength() > MaxArrayLength)
            {
                return $"has {value.GetArrayLength()} elements; an array holds at most {MaxArrayLength}.";
            }

            foreach (var element in value.EnumerateArray())
            {
                if (ScalarProblem(element) is { } problem)
                {
                    return $"must be a number, string, boolean or a flat array of those; an element {problem}";
                }
            }

            return Encoding.UTF8.GetByteCount(value.GetRawText()) > MaxStringLength * 4 ? $"is longer than {MaxStringLength * 4} bytes of JSON." : null;
        }

        return ScalarProblem(value) is { } scalar ? $"must be a number, string, boolean or a flat array of those; it {scalar}" : null;
    }

    private static string? ScalarProblem(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => null,
        JsonValueKind.String when value.GetString()!.Length > MaxStringLength => $"is a string of {value.GetString()!.Length} characters, over the limit of {MaxStringLength}.",
        // An environment variable cannot hold a NUL character.
        JsonValueKind.String when value.GetString()!.Contains('\0', StringComparison.Ordinal) => "is a string holding a NUL character.",
        JsonValueKind.String => null,
        _ => $"is {Kind(value)}.",
    };

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Null => "null",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "a boolean",
    };
}
