using System.ComponentModel;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Cloud.Cli.Infrastructure;
using Cloud.Sdk.Manifests;
using Cloud.Sdk.Onnx;
using Cloud.Sdk.Registry;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cloud.Cli.Commands;

/// <summary>
/// Scaffolds a model folder from an .onnx file: the file copied in, model.json written from the model's signature
/// (read by the SDK's ONNX reader, so the tool carries no ONNX Runtime) with its sha256 and size, and checked with
/// the same manifest reader registration uses.
/// </summary>
internal sealed class InitCommand(CliEnvironment environment) : ClientCommand<InitCommand.Settings>(environment)
{
    internal sealed class Settings : ClientSettings
    {
        [CommandArgument(0, "<MODEL.ONNX>")]
        [Description("The ONNX model file.")]
        public string ModelFile { get; init; } = "";

        [CommandOption("--name <NAME>")]
        [Description("The model's name (default: the file's name, lowercased).")]
        public string? Name { get; init; }

        [CommandOption("--version <VERSION>")]
        [Description("The version (default 1.0.0).")]
        public string Version { get; init; } = "1.0.0";

        [CommandOption("-o|--out <FOLDER>")]
        [Description("The folder to create (default ./NAME/VERSION).")]
        public string? Out { get; init; }

        [CommandOption("--features <NAMES>")]
        [Description("Comma-separated feature names of the input's last dimension, so rows may be sent by name.")]
        public string? Features { get; init; }

        [CommandOption("--input <NAME>")]
        [Description("Which input --features describes (default: the only input).")]
        public string? Input { get; init; }

        [CommandOption("--task <TASK>")]
        [Description("classification, regression or other.")]
        public string? Task { get; init; }

        [CommandOption("--class-names <NAMES>")]
        [Description("Comma-separated class names in output order (classifiers).")]
        public string? ClassNames { get; init; }

        [CommandOption("--force")]
        [Description("Overwrite a model.json already in the folder.")]
        public bool Force { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var source = new FileInfo(settings.ModelFile);
        if (!source.Exists)
        {
            throw new UsageException($"The model file '{settings.ModelFile}' does not exist; give the path of an .onnx file.");
        }

        OnnxModelHeader header;
        await using (var stream = source.OpenRead())
        {
            header = OnnxModelHeader.Read(stream, includeSignature: true);
        }

        // "model.onnx" names nothing; the folder it sits in usually names the model.
        var name = settings.Name ?? DefaultName(Path.GetFileNameWithoutExtension(source.Name) is "model" && source.Directory is { } parent ? parent.Name : source.Name);
        if (ModelName.Validate(name) is { } badName)
        {
            throw new UsageException(settings.Name is null ? $"{badName} Name the model with --name." : badName);
        }

        if (ModelVersions.Validate(settings.Version) is { } badVersion)
        {
            throw new UsageException(badVersion);
        }

        var folder = new DirectoryInfo(settings.Out ?? Path.Combine(name, settings.Version));
        var manifestPath = Path.Combine(folder.FullName, ModelManifest.FileName);
        if (File.Exists(manifestPath) && !settings.Force)
        {
            throw new UsageException($"'{manifestPath}' exists already; pass --force to overwrite it, or --out another folder.");
        }

        var manifest = new JsonObject
        {
            ["name"] = name,
            ["version"] = settings.Version,
            ["format"] = "onnx",
            ["modelFile"] = "model.onnx",
            ["modelSha256"] = Convert.ToHexStringLower(await Sha256Async(source, cancellationToken)),
            ["modelSize"] = source.Length,
        };
        if (settings.Task is { } task)
        {
            manifest["task"] = Enum.TryParse<ModelTask>(task, ignoreCase: true, out var parsed) && !int.TryParse(task, out _)
                ? parsed.ToString().ToLowerInvariant()
                : throw new UsageException($"--task '{task}' is not a task; use classification, regression or other.");
        }

        if (settings.ClassNames is { } classes)
        {
            manifest["classNames"] = new JsonArray(Split(classes).Select(c => (JsonNode)c).ToArray());
        }

        if (settings.Features is { } features)
        {
            var (input, names) = FeaturesFor(header.Inputs, settings.Input, Split(features));
            manifest["inputs"] = new JsonObject { [input] = new JsonObject { ["featureNames"] = new JsonArray(names.Select(n => (JsonNode)n).ToArray()) } };
        }

        manifest["description"] = $"{name} from {source.Name} ({header.ProducerName} {header.ProducerVersion}".TrimEnd() + ").";
        var json = manifest.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

        // The manifest is checked by the reader registration uses, so what init writes is what the host accepts.
        var read = ManifestReader.Read(System.Text.Encoding.UTF8.GetBytes(json), name, settings.Version);
        if (!read.Succeeded)
        {
            throw new UsageException($"The manifest init made is not valid: {string.Join("; ", read.Errors)}");
        }

        folder.Create();
        var target = Path.Combine(folder.FullName, "model.onnx");
        if (!string.Equals(Path.GetFullPath(source.FullName), target, StringComparison.Ordinal))
        {
            source.CopyTo(target, overwrite: true);
        }

        await File.WriteAllTextAsync(manifestPath, json + "\n", cancellationToken);
        if (settings.Json)
        {
            Output.Json(Environment, new { folder = folder.FullName, name, version = settings.Version, inputs = header.Inputs, outputs = header.Outputs });
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumns("", "name", "type", "shape");
        foreach (var (kind, tensors) in new[] { ("input", header.Inputs), ("output", header.Outputs) })
        {
            foreach (var tensor in tensors)
            {
                table.AddRow(kind, Markup.Escape(tensor.Name), Markup.Escape(tensor.ElementType), Markup.Escape(Shape(tensor)));
            }
        }

        Environment.Console.Write(table);
        Environment.Console.MarkupLineInterpolated($"Wrote [bold]{folder.FullName}[/] (model.onnx, model.json). Push it with: cloud models push {folder.FullName}");
        return ExitCodes.Ok;
    }

    private static (string Input, string[] Names) FeaturesFor(IReadOnlyList<TensorSignature> inputs, string? wanted, string[] names)
    {
        var input = wanted is null
            ? inputs.Count == 1 ? inputs[0] : throw new UsageException($"The model has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => i.Name))}); say which one --features describes with --input.")
            : inputs.FirstOrDefault(i => i.Name == wanted) ?? throw new UsageException($"The model has no input '{wanted}'; its inputs are: {string.Join(", ", inputs.Select(i => i.Name))}.");
        var width = input.Shape.Count > 0 ? input.Shape[^1] : 1;
        if (width >= 0 && width != names.Length)
        {
            throw new UsageException($"Input '{input.Name}' takes {width} features ({input.ElementType}{Shape(input)}); --features names {names.Length}. Name one per column of its last dimension.");
        }

        return (input.Name, names);
    }

    private static string Shape(TensorSignature tensor) =>
        "[" + string.Join(",", tensor.Shape.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : tensor.SymbolicShape.ElementAtOrDefault(i) is { Length: > 0 } s ? s : "?")) + "]";

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string DefaultName(string fileName)
    {
        var stem = (fileName.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? fileName[..^5] : fileName).ToLowerInvariant();
        var cleaned = new string(stem.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        return cleaned.Length > 0 ? cleaned : "model";
    }

    private static async Task<byte[]> Sha256Async(FileInfo file, CancellationToken cancellationToken)
    {
        await using var stream = file.OpenRead();
        return await SHA256.HashDataAsync(stream, cancellationToken);
    }
}
