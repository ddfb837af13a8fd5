using System.Collections.ObjectModel;
using Semver;

namespace Cloud.Sdk.Manifests;

/// <summary>
/// A model folder's manifest, <c>models/{name}/{version}/model.json</c>, as read by <see cref="ManifestReader"/>.
/// The field reference is docs/model-folder.md; docs/model.schema.json is its JSON Schema.
/// </summary>
/// <remarks>
/// Optional sections and values (<see cref="Batching"/>, <see cref="WarmUp"/>, <see cref="Validation"/>,
/// <see cref="Promotion"/>, <see cref="Lineage"/>) are null when the manifest leaves them out; optional lists and maps are empty.
/// </remarks>
public sealed record ModelManifest
{
    /// <summary>The file name of the manifest inside a model folder.</summary>
    public const string FileName = "model.json";

    /// <summary>The model's name (<c>name</c>), following <see cref="ModelName"/>; equal to the folder's <c>{name}</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The version (<c>version</c>), without build metadata; its text equals the folder's <c>{version}</c>.</summary>
    public required SemVersion Version { get; init; }

    /// <summary>The model file's format (<c>format</c>).</summary>
    public ModelFormat Format { get; init; } = ModelFormat.Onnx;

    /// <summary>The model file's name, directly inside the folder (<c>modelFile</c>).</summary>
    public required string ModelFile { get; init; }

    /// <summary>
    /// The model file's SHA-256 as 64 lowercase hex digits (<c>modelSha256</c>), when declared. A finished file that
    /// does not match fails registration.
    /// </summary>
    public string? ModelSha256 { get; init; }

    /// <summary>
    /// The model file's size in bytes (<c>modelSize</c>), when declared. A smaller file is still arriving
    /// (the folder is incomplete); a larger one fails registration.
    /// </summary>
    public long? ModelSize { get; init; }

    /// <summary>What the model predicts (<c>task</c>); <see cref="ModelTask.Other"/> when left out.</summary>
    public ModelTask Task { get; init; } = ModelTask.Other;

    /// <summary>Class names in output order (<c>classNames</c>), for classifiers; empty when not given.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>Per-input settings keyed by ONNX input name (<c>inputs</c>); empty when not given.</summary>
    public IReadOnlyDictionary<string, InputSpec> Inputs { get; init; } = ReadOnlyDictionary<string, InputSpec>.Empty;

    /// <summary>Micro-batching overrides (<c>batching</c>), or null to keep the host's settings.</summary>
    public BatchingOverrides? Batching { get; init; }

    /// <summary>
    /// The warm-up example (<c>warmUp</c>): a relative path inside the model folder to a file holding one Open Inference
    /// Protocol v2 inference request body, which a loaded version runs once before it takes traffic; null when not given.
    /// </summary>
    public string? WarmUp { get; init; }

    /// <summary>
    /// Whether requests may carry NaN, Infinity or -Infinity in floating-point inputs (<c>allowNonFinite</c>, default
    /// false). Refused by default because most models turn them into confident-looking nonsense (a NaN row still gets
    /// an argmax class); models that read NaN as "missing" (tree ensembles) set it.
    /// </summary>
    public bool AllowNonFinite { get; init; }

    /// <summary>How the version is validated (<c>validation</c>), or null when it is not.</summary>
    public ValidationSpec? Validation { get; init; }

    /// <summary>What happens automatically after validation (<c>promotion</c>), or null for nothing.</summary>
    public PromotionPolicy? Promotion { get; init; }

    /// <summary>A human-readable description (<c>description</c>).</summary>
    public string? Description { get; init; }

    /// <summary>Free key → value tags (<c>tags</c>), e.g. team or use case; empty when not given.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>Where the model came from (<c>lineage</c>), or null when not given.</summary>
    public ModelLineage? Lineage { get; init; }
}
