using System.Diagnostics;
using System.Globalization;
using Cloud.Jobs.Evaluation;
using Cloud.Host;
using Cloud.Host.Vertex;
using Cloud.Registry.Onnx;
using Cloud.Sdk.Registry;
using Cloud.Registry.Registration;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

// The local host. No arguments: the local host (http://localhost:7071, stores under .cloud/). Verbs:
//   evaluate [FOLDER] [--baseline FOLDER]
//                            validate a model folder on its validation dataset, as a validate job does, and print
//                            every metric (default: the iris sample); exit code 0 validated, 1 rejected, 2 cannot validate
//   inspect-model FILE       the child process registration starts to load big or untrusted models away from the host
//   worker [--until-empty]   the job runner alone, on the queue Cloud:Jobs names; --until-empty exits once it is drained
// With AIP_MODE=PREDICTION in the environment (Vertex AI), no verb: the Vertex prediction container (docs/vertex.md).
if (args is [ModelInspector.Verb, var modelFile])
{
    return ModelInspector.RunChild(modelFile);
}

if (args is ["evaluate", ..])
{
    return await EvaluateAsync(args.Length > 1 ? args[1] : Path.Combine("samples", "models", "iris"), args is [_, _, "--baseline", var baseline] ? baseline : null);
}

try
{
    if (args is [JobWorker.Verb, .. var workerArgs])
    {
        using var worker = JobWorker.Build(workerArgs);
        await worker.RunAsync();
        return 0;
    }

    // Vertex AI runs the image with AIP_MODE=PREDICTION (docs/vertex.md); the verbs above still work inside it.
    if (VertexOptions.IsPrediction(new ConfigurationBuilder().AddEnvironmentVariables().Build()))
    {
        return await VertexHost.RunAsync(VertexHost.Build(args));
    }

    var app = CloudHost.Build(args, builder =>
    {
        // Run from a checkout, the local host serves the samples by default.
        if (builder.Configuration["Cloud:Local:SeedModelsFrom"] is null && FindInCheckout(Path.Combine("samples", "models")) is { } samples)
        {
            builder.Configuration["Cloud:Local:SeedModelsFrom"] = samples;
        }
    });
    app.Lifetime.ApplicationStarted.Register(() => LocalHostBanner.Print(app));
    await app.RunAsync();
}
catch (OptionsValidationException invalid)
{
    // Settings are checked when the host is built and started; each failure names its setting and the bad value.
    Console.Error.WriteLine($"Cloud cannot start. Invalid settings:\n{string.Join("\n", invalid.Failures)}");
    return 2;
}

return 0;

static async Task<int> EvaluateAsync(string folderArgument, string? baselineArgument)
{
    var directory = ResolveFolder(folderArgument);

    try
    {
        var clock = Stopwatch.StartNew();
        var folder = ModelFolder.Load(directory);
        var options = new ValidationOptions();
        using var candidate = ModelUnderTest.Load(folder.ModelPath, folder.Manifest, folder.Name, options);
        var baselineFolder = baselineArgument is null ? null : ModelFolder.Load(ResolveFolder(baselineArgument));
        using var baseline = baselineFolder is null ? null : ModelUnderTest.Load(baselineFolder.ModelPath, baselineFolder.Manifest, baselineFolder.Name, options);
        var loadMs = clock.Elapsed.TotalMilliseconds;

        Console.WriteLine($"ONNX Runtime {OrtEnv.Instance().GetVersionString()} ({string.Join(", ", OrtEnv.Instance().GetAvailableProviders())})");
        Console.WriteLine($"Model {folder.Name} from {directory}");
        foreach (var input in candidate.Inputs)
        {
            Console.WriteLine($"  input  {input}");
        }

        foreach (var output in candidate.Outputs)
        {
            Console.WriteLine($"  output {output}");
        }

        Console.WriteLine();
        clock.Restart();
        var (content, dataset) = folder.OpenDataset();
        var outcome = await DatasetValidation.RunAsync(content, dataset, folder.Validation, candidate, baseline, options);
        var validateMs = clock.Elapsed.TotalMilliseconds;

        Console.WriteLine(OutcomeText.Describe(outcome, folder.Validation.Thresholds));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Load {loadMs:F1} ms, validate {outcome.Rows} rows {validateMs:F2} ms"));
        return outcome.Status == ModelVersionStatus.Validated ? 0 : 1;
    }
    catch (Exception error) when (error is EvaluationException or OnnxRuntimeException)
    {
        Console.Error.WriteLine($"Cannot evaluate '{directory}': {error.Message}");
        return 2;
    }
}

// Relative folders are tried from the working directory, then from the repository root, so the default works
// wherever `dotnet run` is started inside the checkout.
static string ResolveFolder(string argument) =>
    Path.IsPathRooted(argument) || Directory.Exists(argument) ? Path.GetFullPath(argument) : FindInCheckout(argument) ?? Path.GetFullPath(argument);

static string? FindInCheckout(string relative)
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, relative);
        if (File.Exists(Path.Combine(dir.FullName, "Cloud.sln")) && Directory.Exists(candidate))
        {
            return candidate;
        }
    }

    return null;
}
