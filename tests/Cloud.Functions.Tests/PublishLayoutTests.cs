using System.Diagnostics;
using System.IO.Compression;

namespace Cloud.Functions.Tests;

/// <summary>
/// The deployable zip, made by the documented command (dotnet publish -c Release -r linux-x64), has what Flex
/// Consumption runs at its root: the app, the worker's description, the generated metadata, host.json, the host-side
/// extension bundle, and ONNX Runtime's Linux native library beside the app.
/// </summary>
public sealed class PublishLayoutTests
{
    [Fact]
    public async Task ThePublishedZipHasTheFlexConsumptionLayout()
    {
        var output = Directory.CreateTempSubdirectory("cloud-functions-publish-");
        try
        {
            var zip = Path.Combine(output.FullName, "cloud-functions.zip");
            var publish = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { "publish", Path.Combine(Repo.Root, "functions", "Cloud.Functions"), "-c", "Release", "-r", "linux-x64", "--self-contained", "false",
                    "-o", Path.Combine(output.FullName, "publish"), $"-p:FunctionsZip={zip}", "-nologo", "-v:q" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(publish)!;
            var log = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"dotnet publish failed:\n{await log}\n{await errors}");

            using var archive = ZipFile.OpenRead(zip);
            var entries = archive.Entries.Select(e => e.FullName.Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);
            foreach (var required in new[] { "Cloud.Functions.dll", "Cloud.Functions.deps.json", "Cloud.Functions.runtimeconfig.json", "functions.metadata",
                "host.json", "worker.config.json", "extensions.json", "libonnxruntime.so" })
            {
                Assert.Contains(required, entries);
            }

            Assert.Contains(entries, e => e.StartsWith(".azurefunctions/", StringComparison.Ordinal));
            Assert.DoesNotContain(entries, e => e.StartsWith("publish/", StringComparison.Ordinal)); // the folder's contents, not the folder
            using var host = new StreamReader(archive.GetEntry("host.json")!.Open());
            Assert.Equal(File.ReadAllText(Path.Combine(Repo.Root, "host.json")), await host.ReadToEndAsync());
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }
}
