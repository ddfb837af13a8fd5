using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cloud.Jobs.Evaluation;
using Cloud.Registry.Datasets;
using Cloud.Sdk.Manifests;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.LoadHarness;

/// <summary>
/// Validation throughput (issue #17): the benchmark MLP 256→1024→1024→10 validated on a 100k-row CSV (256 feature
/// columns and a class label, ~250 MB), beside what its two halves cost alone in the same run: the CSV read on its
/// own (parsing) and raw ORT at the same batch size on the same session settings (the model). Each ORT thread count
/// is measured in interleaved rounds, and the median is reported. Parsing's share of the work is the read-alone time
/// over the sum of the read-alone and model-alone times: what parsing would be of a run that did not overlap them.
/// </summary>
internal static class ValidateThroughput
{
    private const int Features = 256;
    private const int Classes = 10;
    private const int BatchSize = 256;

    public static async Task<int> RunAsync(int rows, int rounds)
    {
        var mlpFolder = Path.Combine(Repo.Root, "samples", "models", "bench", "mlp");
        ServeLoad.EnsureMlp(Repo.Root, mlpFolder);
        var data = Directory.CreateTempSubdirectory("cloud-validate-bench-").FullName;
        try
        {
            var dataset = Path.Combine(data, "validation.csv");
            WriteDataset(dataset, rows);
            var manifest = Manifest();
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {ServeLoad.CpuModel()}, .NET {Environment.Version}, ORT {OrtEnv.Instance().GetVersionString()}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"dataset: {rows:N0} rows × {Features} float columns + label, {new FileInfo(dataset).Length / 1e6:F0} MB CSV; batch {BatchSize}; {rounds} interleaved rounds, median"));
            Console.WriteLine();
            Console.WriteLine("| ORT intra-op threads | raw ORT rows/s | validation rows/s | validation / raw ORT | sequential (1 batch in flight) rows/s | s per 100k rows: read alone | model alone | validation | parsing's share of the work |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            // Validation's default (a core left to the reader), then ORT's own (every core).
            var cores = Environment.ProcessorCount;
            foreach (var threads in new[] { new ValidationOptions().SessionThreads, cores }.Distinct())
            {
                var options = new ValidationOptions { IntraOpThreads = threads };
                var sequential = options with { BatchesInFlight = 1 };
                using var model = ModelUnderTest.Load(Path.Combine(mlpFolder, "model.onnx"), manifest, "bench-mlp 1.0.0", options);
                await ValidateAsync(dataset, manifest, model, options); // warm-up: JIT, ORT's first runs, the page cache
                var raw = new List<double>();
                var read = new List<double>();
                var validation = new List<double>();
                var serial = new List<double>();
                for (var round = 0; round < rounds; round++)
                {
                    raw.Add(RawOrt(Path.Combine(mlpFolder, "model.onnx"), threads, rows));
                    read.Add(await ReadAloneAsync(dataset));
                    validation.Add(await ValidateAsync(dataset, manifest, model, options));
                    serial.Add(await ValidateAsync(dataset, manifest, model, sequential));
                }

                var (r, p, v, s) = (Median(raw), Median(read), Median(validation), Median(serial));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {threads}{(threads == cores ? " (ORT's default)" : " (validation's default)")} | {r:F0} | {v:F0} | **{v / r:P0}** | {s:F0} | {1e5 / p:F2} | {1e5 / r:F2} | {1e5 / v:F2} | {(1 / p) / ((1 / p) + (1 / r)):P0} |"));
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }

        return 0;
    }

    /// <summary>The whole validation (read, run, metrics); rows/s.</summary>
    private static async Task<double> ValidateAsync(string dataset, ModelManifest manifest, ModelUnderTest model, ValidationOptions options)
    {
        var clock = Stopwatch.StartNew();
        var outcome = await DatasetValidation.RunAsync(Open(dataset), "validation.csv", manifest.Validation!, model, null, options);
        return outcome.Rows / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The same reader and batches with no model: what parsing costs on one thread; rows/s.</summary>
    private static async Task<double> ReadAloneAsync(string dataset)
    {
        var columns = new DatasetColumns([.. Enumerable.Range(0, Features).Select(Feature)], "label", [.. Enumerable.Range(0, Classes).Select(Class)]);
        var batch = new DatasetBatch(BatchSize, columns);
        var clock = Stopwatch.StartNew();
        long read = 0;
        await using (var reader = await DatasetReaders.OpenAsync(Open(dataset), "validation.csv", columns))
        {
            int count;
            while ((count = await reader.ReadAsync(batch)) > 0)
            {
                read += count;
            }
        }

        return read / clock.Elapsed.TotalSeconds;
    }

    /// <summary>ORT alone on a [batch, 256] input over the same memory each time, as many rows as the dataset; rows/s.</summary>
    private static double RawOrt(string model, int threads, int rows)
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = threads };
        using var session = new InferenceSession(model, options);
        using var runOptions = new RunOptions();
        var random = new Random(5);
        var input = Enumerable.Range(0, BatchSize * Features).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        string[] inputNames = ["x"], outputNames = ["y"];
        void RunOnce()
        {
            using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(), [BatchSize, Features]);
            using var outputs = session.Run(runOptions, inputNames, [value], outputNames);
        }

        for (var i = 0; i < 20; i++)
        {
            RunOnce();
        }

        var clock = Stopwatch.StartNew();
        for (var done = 0; done < rows; done += BatchSize)
        {
            RunOnce();
        }

        return rows / clock.Elapsed.TotalSeconds;
    }

    private static FileStream Open(string dataset) =>
        new(dataset, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);

    private static void WriteDataset(string path, int rows)
    {
        var random = new Random(17);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write(string.Join(',', Enumerable.Range(0, Features).Select(Feature)));
        writer.Write(",label\n");
        Span<char> cell = stackalloc char[32];
        for (var r = 0; r < rows; r++)
        {
            for (var f = 0; f < Features; f++)
            {
                // Six decimals, as a float written by pandas or numpy's savetxt with %.6f would be.
                ((random.NextDouble() * 2) - 1).TryFormat(cell, out var written, "F6", CultureInfo.InvariantCulture);
                writer.Write(cell[..written]);
                writer.Write(',');
            }

            writer.Write(Class(random.Next(Classes)));
            writer.Write('\n');
        }
    }

    private static ModelManifest Manifest()
    {
        var json = $$"""
            { "name": "bench-mlp", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx", "task": "classification",
              "classNames": [{{string.Join(", ", Enumerable.Range(0, Classes).Select(c => $"\"{Class(c)}\""))}}],
              "inputs": { "x": { "featureNames": [{{string.Join(", ", Enumerable.Range(0, Features).Select(f => $"\"{Feature(f)}\""))}}] } },
              "validation": { "dataset": "validation.csv", "labelColumn": "label", "metrics": ["accuracy", "f1", "logloss"] } }
            """;
        return ManifestReader.Read(Encoding.UTF8.GetBytes(json)).Manifest!;
    }

    private static string Feature(int index) => "f" + index.ToString(CultureInfo.InvariantCulture);

    private static string Class(int index) => "c" + index.ToString(CultureInfo.InvariantCulture);

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
