using System.Diagnostics;
using System.Globalization;
using Cloud.Registry.Registered;
using Cloud.Registry.Registration;
using Cloud.Registry;
using Cloud.Storage.Blobs;
using Cloud.Storage.Tables;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloud.LoadHarness;

/// <summary>
/// Registers a model folder of a given size (default 100 MB) on the embedded stores and reports the host
/// process's peak resident memory during registration, side by side for the two ways ORT can load the model:
/// in a child process (the default above 32 MiB) and inside the host.
/// </summary>
internal static class RegistrationMemory
{
    public static async Task<int> RunAsync(int sizeMb)
    {
        var n = (int)Math.Sqrt(sizeMb * 1_000_000.0 / 4);
        var root = Directory.CreateTempSubdirectory("cloud-regmem-").FullName;
        try
        {
            var modelPath = Path.Combine(root, "source.onnx");
            OnnxModelBuilder.WriteLargeMatMul(modelPath, n);
            var size = new FileInfo(modelPath).Length;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model: MatMul with a {n}x{n} float32 initializer, {size / 1e6:F1} MB"));
            Console.WriteLine("| ORT load | host peak RSS before | host peak RSS during registration | growth | growth / model size | child peak RSS | time |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            await MeasureAsync(root, modelPath, size, "child process", inProcessLimit: 32L << 20);
            await MeasureAsync(root, modelPath, size, "in the host", inProcessLimit: long.MaxValue);
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task MeasureAsync(string root, string modelPath, long size, string mode, long inProcessLimit)
    {
        var run = Path.Combine(root, Guid.NewGuid().ToString("N"));
        var blobs = new FileSystemBlobStore(Path.Combine(run, "models"));
        await using (var source = File.OpenRead(modelPath))
        {
            await blobs.PutAsync("big/1.0.0/model.onnx", source);
        }

        await blobs.PutAsync("big/1.0.0/model.json", new MemoryStream(
            """{"name": "big", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx", "task": "other"}"""u8.ToArray()));
        var registry = new ModelRegistry(new SqliteTableStore(Path.Combine(run, "cloud.db"), "ModelRegistry"), TimeProvider.System);
        using var work = new WorkFolder(Path.Combine(run, "work"));
        var registration = new ModelRegistration(blobs, new RegisteredContent(new FileSystemBlobStore(Path.Combine(run, "models-registered"))), registry, work,
            new RegistrationOptions { InProcessInspectionLimit = inProcessLimit, InspectorProgram = ServeLoad.HostAppHost() },
            TimeProvider.System, NullLogger<ModelRegistration>.Instance);

        GC.Collect();
        ProcessMemory.ResetPeak();
        var before = ProcessMemory.PeakBytes();
        var clock = Stopwatch.StartNew();
        var outcome = await registration.RegisterAsync("big/1.0.0/model.json");
        clock.Stop();
        var peak = ProcessMemory.PeakBytes();
        if (outcome.Status != RegistrationStatus.Registered)
        {
            throw new InvalidOperationException($"registration ended {outcome.Status}: {outcome.Message}");
        }

        var child = mode == "child process" ? $"{ProcessMemory.ChildrenPeakBytes() / 1e6:F0} MB" : "—";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {mode} | {before / 1e6:F0} MB | {peak / 1e6:F0} MB | {(peak - before) / 1e6:F0} MB | {(double)(peak - before) / size:F2} | {child} | {clock.Elapsed.TotalSeconds:F2} s |"));
    }
}
