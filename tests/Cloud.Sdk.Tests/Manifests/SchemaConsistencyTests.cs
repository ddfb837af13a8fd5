using System.Text.Json;
using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>
/// docs/model.schema.json and the reader describe the same format: the same fields in every closed object, the same
/// required ones, and the same names, enums and limits. A field added to one and not the other fails here.
/// </summary>
public sealed class SchemaConsistencyTests
{
    private static readonly JsonDocument Schema = JsonDocument.Parse(File.ReadAllBytes(Repo.File("docs", "model.schema.json")));

    [Fact]
    public void SchemaAndReaderKnowTheSameObjects()
    {
        var fromSchema = ClosedObjectsInSchema();

        Assert.Equal(ManifestFields.Objects.Keys.Order(StringComparer.Ordinal), fromSchema.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SchemaAndReaderKnowTheSameFieldsInEveryObject()
    {
        var fromSchema = ClosedObjectsInSchema();

        foreach (var (path, fields) in ManifestFields.Objects)
        {
            Assert.True(fromSchema.TryGetValue(path, out var schemaFields), $"The schema has no closed object at {path}.");
            // Prefixed with the path so a failure says which object drifted.
            Assert.Equal(Describe(path, fields.Names), Describe(path, schemaFields.Names));
            Assert.Equal(Describe(path, fields.Required), Describe(path, schemaFields.Required));
        }
    }

    [Fact]
    public void SchemaAndReaderKnowTheSameTasks()
    {
        var tasks = Property("task").GetProperty("enum").EnumerateArray().Select(task => task.GetString()!);

        Assert.Equal(Enum.GetNames<ModelTask>().Select(task => task.ToLowerInvariant()).Order(StringComparer.Ordinal), tasks.Order(StringComparer.Ordinal));
        Assert.Equal("other", Property("task").GetProperty("default").GetString());
    }

    [Fact]
    public void SchemaAndReaderKnowTheSameMetrics()
    {
        var metrics = Definition("metricName").GetProperty("enum").EnumerateArray().Select(metric => metric.GetString()!);

        Assert.Equal(MetricDefinition.All.Select(metric => metric.Name), metrics);
    }

    [Fact]
    public void SchemaMetricsPerTaskMatchTheTable()
    {
        foreach (var rule in Schema.RootElement.GetProperty("allOf").EnumerateArray())
        {
            if (!rule.GetProperty("if").TryGetProperty("properties", out var condition) ||
                !condition.GetProperty("task").TryGetProperty("const", out var task))
            {
                continue;
            }

            var metrics = rule.GetProperty("then").GetProperty("properties").GetProperty("validation").GetProperty("properties")
                .GetProperty("metrics").GetProperty("items").GetProperty("enum").EnumerateArray().Select(metric => metric.GetString());
            var modelTask = Enum.Parse<ModelTask>(task.GetString()!, ignoreCase: true);

            Assert.Equal(MetricDefinition.For(modelTask).Select(metric => metric.Name), metrics);
        }
    }

    [Fact]
    public void SchemaThresholdRangesMatchTheMetricTable()
    {
        var ranges = Definition("validation").GetProperty("properties").GetProperty("thresholds").GetProperty("properties");

        foreach (var metric in MetricDefinition.All)
        {
            var range = ranges.GetProperty(metric.Name);
            Assert.Equal(metric.Minimum, range.TryGetProperty("minimum", out var minimum) ? minimum.GetDouble() : double.NegativeInfinity);
            Assert.Equal(metric.Maximum, range.TryGetProperty("maximum", out var maximum) ? maximum.GetDouble() : double.PositiveInfinity);
        }
    }

    [Fact]
    public void SchemaPatternsAndLimitsMatchTheReader()
    {
        var batching = Definition("batching").GetProperty("properties");

        Assert.Equal("^[a-z][a-z0-9-]{0,62}$", Definition("lowercaseName").GetProperty("pattern").GetString());
        Assert.Equal("onnx", Property("format").GetProperty("const").GetString());
        Assert.Equal(ManifestLimits.MaxVersionLength, Property("version").GetProperty("maxLength").GetInt32());
        Assert.Equal(ManifestLimits.MaxFileNameBytes, Definition("fileName").GetProperty("maxLength").GetInt32());
        Assert.Equal(ManifestLimits.MaxDatasetPathBytes, Definition("relativePath").GetProperty("maxLength").GetInt32());
        Assert.Equal(ManifestLimits.MaxBatchSize, batching.GetProperty("maxBatchSize").GetProperty("maximum").GetInt32());
        Assert.Equal(ManifestLimits.MaxBatchSize, batching.GetProperty("allowedBatchSizes").GetProperty("items").GetProperty("maximum").GetInt32());
        Assert.Equal(ManifestLimits.MaxBatchTimeoutMs, batching.GetProperty("batchTimeoutMs").GetProperty("maximum").GetInt32());
        Assert.Equal(ManifestLimits.MaxBatchThreads, batching.GetProperty("numBatchThreads").GetProperty("maximum").GetInt32());
        Assert.Equal(ManifestLimits.MaxEnqueuedBatches, batching.GetProperty("maxEnqueuedBatches").GetProperty("maximum").GetInt32());
        Assert.Equal(ManifestLimits.MaxBatchSize, batching.GetProperty("minParallelBatchSize").GetProperty("maximum").GetInt32());
        Assert.Equal(ManifestLimits.MaxTags, Property("tags").GetProperty("maxProperties").GetInt32());
        Assert.Equal(ManifestLimits.MaxTagValueLength, Property("tags").GetProperty("additionalProperties").GetProperty("maxLength").GetInt32());
    }

    private static string Describe(string path, IEnumerable<string> names) => $"{path}: {string.Join(", ", names.Order(StringComparer.Ordinal))}";

    private static JsonElement Property(string name) => Schema.RootElement.GetProperty("properties").GetProperty(name);

    private static JsonElement Definition(string name) => Schema.RootElement.GetProperty("$defs").GetProperty(name);

    /// <summary>
    /// Every closed object (additionalProperties: false) in the schema, keyed by its path in the reader's notation:
    /// ".field" into properties, "[*]" into a map's values. "allOf" refinements add no fields and are not walked.
    /// </summary>
    private static Dictionary<string, (List<string> Names, List<string> Required)> ClosedObjectsInSchema()
    {
        var found = new Dictionary<string, (List<string>, List<string>)>(StringComparer.Ordinal);
        Walk(Schema.RootElement, "$", found);
        return found;
    }

    private static void Walk(JsonElement node, string path, Dictionary<string, (List<string>, List<string>)> found)
    {
        if (node.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (node.TryGetProperty("$ref", out var reference))
        {
            const string Prefix = "#/$defs/";
            Assert.StartsWith(Prefix, reference.GetString(), StringComparison.Ordinal);
            Walk(Definition(reference.GetString()![Prefix.Length..]), path, found);
        }

        var properties = node.TryGetProperty("properties", out var p) ? p.EnumerateObject().ToList() : [];
        if (node.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False)
        {
            var required = node.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(name => name.GetString()!).ToList() : [];
            Assert.False(found.ContainsKey(path), $"The schema describes {path} twice.");
            found[path] = (properties.Select(property => property.Name).ToList(), required);
        }

        foreach (var property in properties)
        {
            Walk(property.Value, $"{path}.{property.Name}", found);
        }

        if (additional.ValueKind == JsonValueKind.Object)
        {
            Walk(additional, $"{path}[*]", found);
        }
    }
}
