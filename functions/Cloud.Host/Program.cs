using System.Diagnostics;
using System.Globalization;
using Cloud.Jobs.Evaluation;
using Cloud.Host;
using Cloud.Registry.Onnx;
using Cloud.Registry.Registration;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

// The local host. No arguments: the local host (http://localhost:7071, stores under .cloud/). Verbs:
//   evaluate [FOLDER]        predict a model folder's validation rows and print accuracy (default: the iris sample)
//   inspect-model FILE       the child process registration starts to load big or untrusted models away from the host
//   worker [--until-empty]   the job runner alone, on the queue Cloud:Jobs names; --until-empty exits once it is drained
if (args is [ModelInspector.Verb, var modelFile])
{
    return ModelInspector.RunChild(modelFile);
}

if (args is ["evaluate", ..])
{
    return Evaluate(args.Length > 1 ? args[1] : Path.Combine("samples", "models", "iris"));
}

try
{
    if (args is [JobWorker.Verb, .. var workerArgs])
    {
        using var worker = JobWorker.Build(workerArgs);
        await worker.RunAsync();
        return 0;
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

static int Evaluate(string folderArgument)
{
    var directory = ResolveFolder(folderArgument);

    try
    {
        var clock = Stopwatch.StartNew();
        var folder = ModelFolder.Load(directory);
        using var session = new InferenceSession(folder.ModelPath);
        var loadMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var report = ClassifierEvaluator.Evaluate(folder, session);
        var predictMs = clock.Elapsed.TotalMilliseconds;

        Console.WriteLine($"ONNX Runtime {OrtEnv.Instance().GetVersionString()} ({string.Join(", ", OrtEnv.Instance().GetAvailableProviders())})");
        Console.WriteLine($"Model {report.Model} {report.Version} from {directory}");
        foreach (var input in ModelNode.InputsOf(session))
        {
            Console.WriteLine($"  input  {input}");
        }

        foreach (var output in ModelNode.OutputsOf(session))
        {
            Console.WriteLine($"  output {output}");
        }

        Console.WriteLine();
        Console.WriteLine("Confusion matrix (rows: actual, columns: predicted)");
        var width = Math.Max(report.ClassNames.Max(c => c.Length), 5) + 2;
        Console.WriteLine(new string(' ', width) + string.Concat(report.ClassNames.Select(c => c.PadLeft(width))));
        for (var a = 0; a < report.ClassNames.Length; a++)
        {
            Console.Write(report.ClassNames[a].PadRight(width));
            for (var p = 0; p < report.ClassNames.Length; p++)
            {
                Console.Write(report.Confusion[a, p].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            }

            Console.WriteLine();
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Accuracy {report.Accuracy:P1} ({report.Correct}/{report.Rows}); threshold {(report.AccuracyThreshold is { } t ? t.ToString("P1", CultureInfo.InvariantCulture) : "none")}: {(report.MeetsThreshold ? "PASS" : "FAIL")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Load {loadMs:F1} ms, predict {report.Rows} rows {predictMs:F2} ms"));
        return report.MeetsThreshold ? 0 : 1;
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
