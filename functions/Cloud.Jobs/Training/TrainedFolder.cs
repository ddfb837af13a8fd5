using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cloud.Jobs.Runner;
using Cloud.Sdk.Manifests;
using Cloud.Storage.Blobs;

namespace Cloud.Jobs.Training;

/// <summary>What a train job records in the new version's lineage, besides what the trainer wrote there itself.</summary>
internal sealed record TrainLineage(string Trainer, string Dataset, string DatasetSha256, string JobId, string? ParentVersion, HyperParameters HyperParameters);

/// <summary>
/// The model folder a trainer wrote into CLOUD_OUTPUT, made into the new version: its model.json must be there with the
/// model file it names (Cloud does not invent a manifest: task, classes and inputs are the trainer's to say). The job
/// sets the manifest's <c>name</c> and <c>version</c>, the model file's <c>modelSha256</c> and <c>modelSize</c> (so
/// registration checks the upload against what was trained), and the lineage, over whatever the trainer put there; the
/// result must be a valid manifest, and the inputs' feature names columns of the dataset.
/// </summary>
internal sealed class TrainedFolder
{
    public const int MaxFiles = 1000;

    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    private readonly string _folder;
    private readonly JsonObject _manifest;

    private TrainedFolder(string folder, JsonObject manifest, IReadOnlyList<string> files)
    {
        _folder = folder;
        _manifest = manifest;
        Files = files;
    }

    /// <summary>The files to upload besides model.json, '/'-separated and relative to the folder.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The folder the trainer wrote.</summary>
    public string Folder => _folder;

    /// <summary>Reads the trainer's output, or <see cref="JobFailedException"/> saying what is missing or wrong.</summary>
    public static TrainedFolder Read(string folder)
    {
        var entries = Walk(folder).ToList();
        if (entries.Count == 0)
        {
            throw new JobFailedException($"The trainer wrote no model: its output folder (CLOUD_OUTPUT) is empty. A trainer writes a model folder there: {ModelManifest.FileName} and the model file it names.");
        }

        var files = new List<string>();
        foreach (var entry in entries)
        {
            var relative = Path.GetRelativePath(folder, entry).Replace(Path.DirectorySeparatorChar, '/');
            var info = new FileInfo(entry);
            if (info.LinkTarget is not null)
            {
                // A link could bring any file of the worker into the model store.
                throw new JobFailedException($"The trainer's output holds a link, {TrainText.Quote(relative)}; a model folder holds plain files only.");
            }

            if (info.Attributes.HasFlag(FileAttributes.Directory))
            {
                continue;
            }

            try
            {
                BlobPath.Validate(relative);
            }
            catch (ArgumentException)
            {
                throw new JobFailedException($"The trainer's output holds a file whose name cannot be a blob's, {TrainText.Quote(relative)}.");
            }

            if (relative != ModelManifest.FileName)
            {
                files.Add(relative);
            }
        }

        if (files.Count >= MaxFiles)
        {
            throw new JobFailedException(string.Create(CultureInfo.InvariantCulture, $"The trainer's output holds {files.Count:N0} files; a model folder holds fewer than {MaxFiles:N0}."));
        }

        var manifestFile = Path.Combine(folder, ModelManifest.FileName);
        if (!File.Exists(manifestFile))
        {
            throw new JobFailedException($"The trainer wrote no {ModelManifest.FileName} into its output folder (CLOUD_OUTPUT), only {TrainText.Escape(string.Join(", ", files.Order(StringComparer.Ordinal)), 300)}; a trainer writes the manifest beside the model file it names.");
        }

        if (new FileInfo(manifestFile).Length > ManifestLimits.MaxManifestBytes)
        {
            throw new JobFailedException(string.Create(CultureInfo.InvariantCulture, $"The trainer's {ModelManifest.FileName} is {new FileInfo(manifestFile).Length:N0} bytes; the limit is {ManifestLimits.MaxManifestBytes:N0}."));
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllBytes(manifestFile), documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException error)
        {
            throw new JobFailedException($"The trainer's {ModelManifest.FileName} is not JSON: {TrainText.Escape(error.Message)}");
        }

        return node is JsonObject manifest
            ? new TrainedFolder(folder, manifest, files)
            : throw new JobFailedException($"The trainer's {ModelManifest.FileName} is not a JSON object; a manifest is one (docs/model-folder.md).");
    }

    /// <summary>
    /// model.json as the version <paramref name="version"/> of <paramref name="model"/> uploads it: name, version, the
    /// model file's hash and size, and the lineage set; <see cref="JobFailedException"/> when it is not a valid manifest
    /// or its inputs name columns <paramref name="columns"/> (the dataset's, when known) does not have.
    /// </summary>
    public byte[] Manifest(string model, string version, TrainLineage lineage, IReadOnlyList<string>? columns, JsonElement? promotion = null)
    {
        var manifest = (JsonObject)_manifest.DeepClone();
        manifest["name"] = model;
        if (promotion is { } policy)
        {
            manifest["promotion"] = JsonNode.Parse(policy.GetRawText());
        }

        manifest["version"] = version;
        if (manifest["modelFile"] is JsonValue modelFileValue && modelFileValue.TryGetValue<string>(out var modelFile) && Files.Contains(modelFile))
        {
            var path = Path.Combine(_folder, modelFile);
            using (var stream = File.OpenRead(path))
            {
                manifest["modelSha256"] = Convert.ToHexStringLower(SHA256.HashData(stream));
            }

            manifest["modelSize"] = new FileInfo(path).Length;
        }
        else if (manifest["modelFile"] is JsonValue named && named.TryGetValue<string>(out var missing))
        {
            throw new JobFailedException($"The trainer's {ModelManifest.FileName} names the model file {TrainText.Quote(missing)}, which it did not write into its output folder.");
        }

        manifest["lineage"] = Lineage(manifest["lineage"] as JsonObject, lineage);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, s_indented);
        var read = ManifestReader.Read(bytes, model, version);
        if (!read.Succeeded)
        {
            throw new JobFailedException($"The trainer's {ModelManifest.FileName} is not a valid manifest (docs/model-folder.md):\n{read.Describe()}");
        }

        if (columns is not null)
        {
            foreach (var (input, spec) in read.Manifest!.Inputs)
            {
                var absent = spec.FeatureNames.Where(f => !columns.Contains(f, StringComparer.Ordinal)).ToList();
                if (absent.Count > 0)
                {
                    throw new JobFailedException(
                        $"The trained model's input {TrainText.Quote(input)} takes the features {TrainText.Escape(string.Join(", ", absent), 300)}, which are not columns of dataset {TrainText.Quote(lineage.Dataset)} (its columns are: {TrainText.Escape(string.Join(", ", columns), 300)}); the model's inputs must match the data it was trained on.");
                }
            }
        }

        return bytes;
    }

    /// <summary>
    /// Every entry below <paramref name="folder"/>, a folder's before its own; never into a link, which a trainer could
    /// point at "/" (the caller refuses links).
    /// </summary>
    private static IEnumerable<string> Walk(string folder)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
        {
            yield return entry;
            var info = new DirectoryInfo(entry);
            if (info.Exists && info.LinkTarget is null)
            {
                foreach (var inner in Walk(entry))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>The file's full local path.</summary>
    public string PathOf(string relative) => Path.Combine(_folder, relative.Replace('/', Path.DirectorySeparatorChar));

    private static JsonObject Lineage(JsonObject? trainers, TrainLineage job)
    {
        // The trainer's own fields stay (a seed, a source revision, hyper-parameters it derived); the job's facts win.
        var lineage = trainers?.DeepClone() as JsonObject ?? [];
        lineage["trainer"] = job.Trainer;
        lineage["dataset"] = job.Dataset;
        lineage["datasetSha256"] = job.DatasetSha256;
        lineage["jobId"] = job.JobId;
        if (job.ParentVersion is not null)
        {
            lineage["parentVersion"] = job.ParentVersion;
        }
        else
        {
            lineage.Remove("parentVersion");
        }

        var parameters = lineage["hyperParameters"] as JsonObject ?? [];
        foreach (var (name, value) in job.HyperParameters.Values)
        {
            parameters[name] = JsonNode.Parse(value.GetRawText());
        }

        if (parameters.Count > 0)
        {
            lineage["hyperParameters"] = parameters;
        }

        return lineage;
    }
}
