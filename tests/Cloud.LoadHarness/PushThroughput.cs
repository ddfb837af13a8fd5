using System.Diagnostics;
using System.Globalization;
using Azure.Storage;
using Azure.Storage.Blobs;
using Cloud.Sdk.Models;

namespace Cloud.LoadHarness;

/// <summary>
/// Folder push throughput into Azurite (the storage emulator): the SDK's storage push (parallel staged blocks, hashed
/// for resumability) at several parallelisms, beside the Azure SDK's own BlobClient.UploadAsync with the same block
/// size and concurrency, and `az storage blob upload` with as many connections when `az` is installed (Debian's
/// azure-cli). One operation = one folder: a random model file of SIZE MiB and model.json. Each container is deleted
/// after its run (outside the timing), so a 1 GiB run needs about 1 GiB of Azurite's disk at a time.
/// </summary>
internal static class PushThroughput
{
    public static async Task<int> RunAsync(int megabytes, int runs = 3)
    {
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        var folder = Directory.CreateTempSubdirectory("cloud-push-").FullName;
        try
        {
            var bytes = new byte[megabytes * 1024L * 1024];
            new Random(1).NextBytes(bytes);
            await File.WriteAllBytesAsync(Path.Combine(folder, "model.onnx"), bytes);
            await File.WriteAllTextAsync(Path.Combine(folder, "model.json"), """{"name": "big", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx"}""");
            var opened = ModelFolder.Open(folder);
            Console.WriteLine($"{ServeLoad.CpuModel()}, {Environment.ProcessorCount} cores; Azurite on loopback; {megabytes} MiB folder; 8 MiB blocks; best of {runs}");
            var az = Az.Find();
            Console.WriteLine(az is null ? "az: not installed, not compared" : $"az: {az}");
            Console.WriteLine("| uploader | parallel blocks | MiB/s | CPU s (this process; az: its process tree) |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var parallelism in new[] { 1, 4, 8 })
            {
                var (seconds, cpu) = await BestOfAsync(runs, azurite, $"push{parallelism}x", async container =>
                    await new BlobFolderUploader(container, new PushOptions { Parallelism = parallelism }).UploadAsync(opened, CancellationToken.None));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| SDK storage push | {parallelism} | {megabytes / seconds:F0} | {cpu:F2} |"));

                (seconds, cpu) = await BestOfAsync(runs, azurite, $"azure{parallelism}x", async container =>
                {
                    var transfer = new StorageTransferOptions { MaximumConcurrency = parallelism, InitialTransferSize = 8 * 1024 * 1024, MaximumTransferSize = 8 * 1024 * 1024 };
                    await container.GetBlobClient("big/1.0.0/model.onnx").UploadAsync(Path.Combine(folder, "model.onnx"), transferOptions: transfer);
                    await container.GetBlobClient("big/1.0.0/model.json").UploadAsync(Path.Combine(folder, "model.json"));
                });
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Azure SDK BlobClient.UploadAsync | {parallelism} | {megabytes / seconds:F0} | {cpu:F2} |"));
                if (az is not null)
                {
                    var azCpu = 0.0;
                    (seconds, _) = await BestOfAsync(runs, azurite, $"az{parallelism}x", async container =>
                    {
                        azCpu = 0;
                        foreach (var file in new[] { "model.onnx", "model.json" })
                        {
                            azCpu += await Az.UploadAsync(az, azurite.ConnectionString, container.Name, $"big/1.0.0/{file}", Path.Combine(folder, file), parallelism);
                        }
                    });
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| az storage blob upload | {parallelism} | {megabytes / seconds:F0} | {azCpu:F2} |"));
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        return 0;
    }

    private static async Task<(double Seconds, double Cpu)> BestOfAsync(int runs, AzuriteFixture azurite, string name, Func<BlobContainerClient, Task> run)
    {
        var best = (Seconds: double.MaxValue, Cpu: 0.0);
        for (var i = 0; i < runs; i++)
        {
            var container = new BlobContainerClient(azurite.ConnectionString, $"{name}{i}");
            await container.CreateAsync();
            var self = Process.GetCurrentProcess();
            var cpu = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await run(container);
            var seconds = clock.Elapsed.TotalSeconds;
            await container.DeleteAsync();
            self.Refresh();
            if (seconds < best.Seconds)
            {
                best = (seconds, (self.TotalProcessorTime - cpu).TotalSeconds);
            }
        }

        return best;
    }
}
