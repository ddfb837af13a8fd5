using System.Text.Json;
using Cloud.Registry.Registered;
using Cloud.Sdk.Registry;
using Cloud.Storage.Tables;

namespace Cloud.Registry;

/// <summary>
/// How registry records are laid out in the <c>ModelRegistry</c> table. All rows of a model share its partition
/// (so label moves can be atomic with the version they point at); one more partition indexes model names.
/// </summary>
internal static class RegistryRows
{
    public const string IndexPartition = "_models"; // model names start with a letter, so this cannot collide
    public const string PolicyRow = "policy";
    private const string VersionPrefix = "v|";
    private const string LabelPrefix = "label|";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string VersionKey(string version) => VersionPrefix + version;

    public static string LabelKey(string label) => LabelPrefix + label;

    public static bool IsVersionRow(TableEntity row) => row.RowKey.StartsWith(VersionPrefix, StringComparison.Ordinal);

    public static bool IsLabelRow(TableEntity row) => row.RowKey.StartsWith(LabelPrefix, StringComparison.Ordinal);

    public static string VersionPrefixKey => VersionPrefix;

    public static string LabelPrefixKey => LabelPrefix;

    /// <summary>
    /// The version's row, its reasons shortened to their bounds. Throws <see cref="RegistryException"/>
    /// (<see cref="RegistryError.Invalid"/>) when content that cannot be shortened (signature, lineage, metrics) breaks
    /// a <see cref="RecordLimits"/> bound or the row would not fit a table row: one check for every writer and store.
    /// </summary>
    public static TableEntity ToRow(ModelVersionInfo info, SourceBlobs? source)
    {
        var metrics = JsonSerializer.Serialize(info.Metrics, Json);
        var signature = info.Signature is null ? null : JsonSerializer.Serialize(info.Signature, Json);
        var subject = $"{info.Model} {info.Version}";
        var tooLong = RecordLimits.LengthProblem($"The signature of {subject} ({info.Signature?.Inputs.Count} inputs, {info.Signature?.Outputs.Count} outputs)", signature, RecordLimits.MaxSignatureLength)
            ?? RecordLimits.LengthProblem($"The lineage of {subject}", info.Lineage, RecordLimits.MaxLineageLength)
            ?? RecordLimits.LengthProblem($"The metrics of {subject}", metrics, RecordLimits.MaxMetricsLength);
        if (tooLong is not null)
        {
            throw new RegistryException(RegistryError.Invalid, tooLong);
        }

        var row = new TableEntity(info.Model, VersionKey(info.Version))
            .Set("Status", info.Status.ToWireName())
            .Set("Refusals", JsonSerializer.Serialize(info.Refusals.TakeLast(RecordLimits.MaxRefusalsKept).Select(r => RecordLimits.Shorten(r, RecordLimits.MaxRefusalLength)), Json))
            .Set("CreatedAt", info.CreatedAt)
            .Set("UpdatedAt", info.UpdatedAt);

        // Azure tables cannot hold nulls (absent properties read back as absent), so absent stays absent everywhere.
        RowText.Set(row, "Metrics", metrics);
        SetIfPresent(row, "Sha256", info.Sha256);
        SetIfPresent(row, "Size", info.Size);
        SetIfPresent(row, "ModelFile", info.ModelFile);
        RowText.Set(row, "Signature", signature);
        RowText.Set(row, "Lineage", info.Lineage);
        // Reasons are text for people: a long one is shortened (saying so) rather than refused, whoever wrote it.
        SetIfPresent(row, "FailureReason", info.FailureReason is null ? null : RecordLimits.Shorten(info.FailureReason, RecordLimits.MaxRecordedReasonLength));
        SetIfPresent(row, "ManifestETag", source?.ManifestETag);
        SetIfPresent(row, "ManifestSha256", source?.ManifestSha256);
        SetIfPresent(row, "ModelETag", source?.ModelETag);
        SetIfPresent(row, "Files", source?.Files is null ? null : JsonSerializer.Serialize(source.Files, Json));
        if (source is { ValidationRequested: true })
        {
            row.Set("ValidationRequested", true);
        }

        // The bounds above keep a row well inside the limits; this is the guard should they ever not.
        return TableLimits.Problem(row) is { } problem
            ? throw new RegistryException(RegistryError.Invalid, $"The record of {subject} does not fit a table row: {problem}")
            : row;
    }

    public static ModelVersionInfo ToVersion(TableEntity row) => new(
        row.PartitionKey,
        row.RowKey[VersionPrefix.Length..],
        ModelVersionStatuses.Parse(row.Get<string>("Status") ?? "failed"),
        row.Get<string>("Sha256"),
        row.Properties.TryGetValue("Size", out var size) && size is not null ? row.Get<long>("Size") : null,
        row.Get<string>("ModelFile"),
        Deserialize<ModelSignature>(RowText.Get(row, "Signature")),
        Deserialize<List<MetricsRecord>>(RowText.Get(row, "Metrics")) ?? [],
        RowText.Get(row, "Lineage"),
        row.Get<string>("FailureReason"),
        Deserialize<List<string>>(row.Get<string>("Refusals")) ?? [],
        row.Get<DateTimeOffset>("CreatedAt"),
        row.Get<DateTimeOffset>("UpdatedAt"));

    public static ModelLabel ToLabel(TableEntity row) => new(
        row.PartitionKey, row.RowKey[LabelPrefix.Length..], row.Get<string>("Version")!, row.Get<DateTimeOffset>("UpdatedAt"), row.ETag.ToString());

    public static ModelPolicy ToPolicy(TableEntity row) => new(
        row.PartitionKey,
        Deserialize<Dictionary<string, int>>(row.Get<string>("Traffic")) ?? [],
        row.Get<bool>("RequireValidation"),
        row.ETag.ToString());

    /// <summary>What the row was made from, kept so a repeated event for the same blobs is recognised cheaply.</summary>
    public static SourceBlobs? SourceOf(TableEntity row) =>
        new(row.Get<string>("ManifestETag"), row.Get<string>("ManifestSha256"), row.Get<string>("ModelETag"),
            row.Get<bool>("ValidationRequested"), Deserialize<Dictionary<string, string>>(row.Get<string>("Files")));

    /// <summary>The registered copies the version serves from; null for a row without them (not registered, or registered before copies were kept).</summary>
    public static RegisteredFiles? FilesOf(TableEntity row) =>
        SourceOf(row)?.Files is { } files ? new RegisteredFiles(row.PartitionKey, row.RowKey[VersionPrefix.Length..], files) : null;

    private static void SetIfPresent(TableEntity row, string name, object? value)
    {
        if (value is not null)
        {
            row.Set(name, value);
        }
    }

    private static T? Deserialize<T>(string? json) where T : class => json is null ? null : JsonSerializer.Deserialize<T>(json, Json);
}

/// <summary>The blobs a version row was recorded from.</summary>
/// <param name="ManifestETag">model.json's ETag.</param>
/// <param name="ManifestSha256">model.json's SHA-256.</param>
/// <param name="ModelETag">The model file's ETag; <see cref="NotNeeded"/> when the outcome did not depend on it.</param>
/// <param name="ValidationRequested">Whether model.json asked for validation (so a repeated event can ask again).</param>
/// <param name="Files">
/// File name → SHA-256 of its registered copy (<see cref="RegisteredContent"/>), for every file the version serves from;
/// null until the version is registered. Kept with the source so every rewrite of the row keeps it.
/// </param>
internal sealed record SourceBlobs(string? ManifestETag, string? ManifestSha256, string? ModelETag, bool ValidationRequested = false,
    IReadOnlyDictionary<string, string>? Files = null)
{
    public const string NotNeeded = "-";
}
