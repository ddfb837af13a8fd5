using System.Collections.ObjectModel;
using System.Text.Json;

namespace Cloud.Sdk.Manifests;

/// <summary>Where a model came from (manifest field <c>lineage</c>); recorded on the version, never interpreted.</summary>
public sealed record ModelLineage
{
    /// <summary>The program or job that trained the model (<c>trainer</c>), e.g. a script path or image reference.</summary>
    public string? Trainer { get; init; }

    /// <summary>The training data (<c>dataset</c>), e.g. a path, URI or dataset name and version.</summary>
    public string? Dataset { get; init; }

    /// <summary>The source-control revision of the training code (<c>sourceRevision</c>), e.g. a git commit.</summary>
    public string? SourceRevision { get; init; }

    /// <summary>The random seed of the training run (<c>seed</c>).</summary>
    public long? Seed { get; init; }

    /// <summary>The version this one was trained from (<c>parentVersion</c>): its weights or data as the trainer's start.</summary>
    public string? ParentVersion { get; init; }

    /// <summary>The train job that made this version (<c>jobId</c>), as <see cref="Jobs.JobIds"/> has it.</summary>
    public string? JobId { get; init; }

    /// <summary>The SHA-256 of the training dataset's bytes (<c>datasetSha256</c>), 64 lowercase hex digits.</summary>
    public string? DatasetSha256 { get; init; }

    /// <summary>
    /// Training hyper-parameters (<c>hyperParameters</c>): each value a JSON number, string, boolean, or flat array of
    /// those, kept as JSON so numbers keep their exact written form.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> HyperParameters { get; init; } = ReadOnlyDictionary<string, JsonElement>.Empty;
}
