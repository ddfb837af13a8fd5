namespace Cloud.Sdk.Manifests;

/// <summary>
/// The fields each manifest object may have, keyed by the object's path pattern (<c>[*]</c> stands for any key of a
/// map). The reader rejects anything else, and a test compares this table with docs/model.schema.json object by
/// object, so the schema and the reader cannot drift apart.
/// </summary>
internal static class ManifestFields
{
    public const string Root = "$";
    public const string Input = "$.inputs[*]";
    public const string Batching = "$.batching";
    public const string Validation = "$.validation";
    public const string Promotion = "$.promotion";
    public const string PromotionAction = "$.promotion.onValidated";
    public const string SoakPromotion = "$.promotion.afterSoak";
    public const string Lineage = "$.lineage";

    /// <summary>Every closed object, its fields in documentation order, and which of them are required.</summary>
    public static IReadOnlyDictionary<string, FieldSet> Objects { get; } = new Dictionary<string, FieldSet>(StringComparer.Ordinal)
    {
        [Root] = new(
            ["$schema", "name", "version", "format", "modelFile", "modelSha256", "modelSize", "task", "classNames", "inputs",
             "batching", "warmUp", "allowNonFinite", "validation", "promotion", "description", "tags", "lineage"],
            ["name", "version", "format", "modelFile"]),
        [Input] = new(["featureNames"], ["featureNames"]),
        [Batching] = new(["maxBatchSize", "batchTimeoutMs", "numBatchThreads", "maxEnqueuedBatches", "allowedBatchSizes", "minParallelBatchSize"], []),
        [Validation] = new(["dataset", "labelColumn", "metrics", "thresholds", "baselineLabel", "baselineTolerance", "baselineRelativeTolerance"], ["dataset", "labelColumn", "metrics"]),
        [Promotion] = new(["onValidated", "afterSoak"], ["onValidated"]),
        [PromotionAction] = new(["setLabels", "traffic"], []),
        [SoakPromotion] = new(["soakMinutes", "compareWith", "setLabels", "traffic", "maxErrorRateIncrease", "maxLatencyRatio", "minRequests"], ["soakMinutes"]),
        [Lineage] = new(["trainer", "dataset", "sourceRevision", "seed", "hyperParameters", "parentVersion", "jobId", "datasetSha256"], []),
    };

    /// <summary>The known fields of one object and the required ones among them.</summary>
    internal sealed record FieldSet(IReadOnlyList<string> Names, IReadOnlyList<string> Required)
    {
        public bool Contains(string name) => Names.Contains(name, StringComparer.Ordinal);

        public bool IsRequired(string name) => Required.Contains(name, StringComparer.Ordinal);
    }
}
