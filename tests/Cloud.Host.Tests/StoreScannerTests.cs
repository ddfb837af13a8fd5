using System.Security.Cryptography;
using Cloud.Host;
using Cloud.Jobs;
using Cloud.Jobs.Ledger;
using Cloud.Registry.Registration;
using Cloud.Serving.Batching;
using Cloud.Serving.Models;
using Cloud.Serving.Routing;
using Cloud.Sdk.Registry;
using Cloud.Storage.Tables;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloud.Host.Tests;

/// <summary>
/// The local blob trigger: what one pass over the models container registers, and what it leaves alone. Each
/// pass is called directly (ScanAsync), so the tests need no timer; one test starts the hosted service itself.
/// </summary>
public sealed class StoreScannerTests : IAsyncDisposable
{
    private readonly RegistryHarness _h = new();
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("cloud-scanner-");
    private readonly JobsHarness _jobs;
    private readonly ModelCache _cache;
    private readonly ModelRouter _router;
    private readonly StoreScanner _scanner;

    public StoreScannerTests()
    {
        _jobs = new JobsHarness(_h);
        _cache = new ModelCache(_h.Content, _h.Registry,
            new ModelCacheOptions { Directory = Path.Combine(_work.FullName, "cache") }, new BatchingOptions(), _h.Time, NullLoggerFactory.Instance);
        _router = new ModelRouter(_h.Registry, _cache, new RoutingOptions { PreloadTargets = false }, NullLogger<ModelRouter>.Instance);
        // The workflow with both rooms' follow-ups, as the host composes it.
        var workflow = new RegistrationWorkflow(_h.Registration,
            [new ValidationScheduling(_jobs.Submitter), new RoutingFollowUp(_router)]);
        _scanner = new StoreScanner(_h.Blobs, workflow, new LocalHostOptions { ScanInterval = TimeSpan.FromMilliseconds(50) }, TimeProvider.System, NullLogger<StoreScanner>.Instance);
    }

    [Fact]
    public async Task AFolderUploadedAfterAPassIsRegisteredByTheNextOneAndRoutedAndItsJobQueuedOnce()
    {
        await _scanner.ScanAsync(CancellationToken.None);
        Assert.Empty(await _h.Registry.ListModelsAsync());

        await _h.UploadIrisAsync();
        await _scanner.ScanAsync(CancellationToken.None);
        await _scanner.ScanAsync(CancellationToken.None); // nothing changed: no second registration, no second job

        var version = await _h.Registry.GetVersionAsync("iris", "1.0.0");
        Assert.Equal(ModelVersionStatus.Registered, version!.Status);
        Assert.Equal(Sha256Of(Path.Combine(Repo.IrisFolder, "model.onnx")), version.Sha256);
        var job = Assert.Single(await QueuedJobsAsync());
        Assert.Equal(("validate", "iris", "1.0.0"), (job.Get<string>("Kind"), job.Get<string>("Model"), job.Get<string>("Version")));
        // The pass rebuilt routing for the new version, so it serves without waiting for the routing refresher.
        Assert.NotNull(_router.TableOf("iris"));
        var route = await _router.RouteAsync("iris", null, null, null, CancellationToken.None);
        Assert.Equal(("1.0.0", "newest"), (route.Decision?.Target.Version, route.Decision?.Route));
    }

    [Fact]
    public async Task AChangedModelFileUnderAnExistingVersionIsRefusedAndRecordedWhileTheOriginalStays()
    {
        await _h.UploadIrisAsync();
        await _scanner.ScanAsync(CancellationToken.None);

        var other = File.ReadAllBytes(SampleModels.Tiny("metadata.onnx"));
        await _h.PutAsync("iris/1.0.0/model.onnx", other);
        await _scanner.ScanAsync(CancellationToken.None);

        var version = await _h.Registry.GetVersionAsync("iris", "1.0.0");
        Assert.Equal(ModelVersionStatus.Registered, version!.Status);
        Assert.Equal(Sha256Of(Path.Combine(Repo.IrisFolder, "model.onnx")), version.Sha256);
        var refusal = Assert.Single(version.Refusals);
        Assert.Contains($"a different model file (sha256 {Convert.ToHexStringLower(SHA256.HashData(other))})", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIncompleteFolderIsLookedAtOnEveryPassUntilItsWaitRunsOutAndThenFailsWithTheReason()
    {
        // model.json names model.onnx, which never arrives: no later blob will change the folder again.
        await _h.PutTextAsync("iris/1.0.0/model.json", SampleModels.IrisManifest());
        await _scanner.ScanAsync(CancellationToken.None);
        Assert.Null(await _h.Registry.GetVersionAsync("iris", "1.0.0")); // waiting is not failing

        _h.Time.Advance(TimeSpan.FromMinutes(11)); // past the harness's 10-minute wait
        await _scanner.ScanAsync(CancellationToken.None);

        var version = await _h.Registry.GetVersionAsync("iris", "1.0.0");
        Assert.Equal(ModelVersionStatus.Failed, version!.Status);
        Assert.Equal("Model file 'model.onnx' is not in iris/1.0.0/ 11 min after model.json was uploaded; the folder was given 10 min to complete.",
            version.FailureReason);
    }

    [Fact]
    public async Task AFolderUnderAVersionWithBuildMetadataIsIgnoredRatherThanWaitedFor()
    {
        // Issue 16: such a folder was "pending" on every pass. Its path names no model version, so it is ignored at once.
        await _h.PutAsync("iris/1.0.0+build/model.onnx", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")));
        await _h.PutTextAsync("iris/1.0.0+build/model.json", SampleModels.IrisManifest("1.0.0+build"));
        await _scanner.ScanAsync(CancellationToken.None);
        _h.Time.Advance(TimeSpan.FromMinutes(11));
        await _scanner.ScanAsync(CancellationToken.None);

        Assert.Empty(await _h.Registry.ListModelsAsync());
        Assert.Null(await _h.Table.GetAsync("iris", "v|1.0.0+build"));
    }

    [Fact]
    public async Task AnIncompleteFolderRegistersOnThePassAfterItsLastFileArrives()
    {
        await _h.PutIrisDatasetAsync();
        await _h.PutTextAsync("iris/1.0.0/model.json", SampleModels.IrisManifest());
        await _scanner.ScanAsync(CancellationToken.None);

        await _h.PutAsync("iris/1.0.0/model.onnx", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")));
        await _scanner.ScanAsync(CancellationToken.None);

        Assert.Equal(ModelVersionStatus.Registered, (await _h.Registry.GetVersionAsync("iris", "1.0.0"))!.Status);
    }

    [Fact]
    public async Task AsAHostedServiceItRegistersWhatIsThereAtStartAndThenWhatArrivesLater()
    {
        await _h.UploadIrisAsync("1.0.0");

        await _scanner.StartAsync(CancellationToken.None);
        try
        {
            await _scanner.FirstPass.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(ModelVersionStatus.Registered, (await _h.Registry.GetVersionAsync("iris", "1.0.0"))!.Status);

            await _h.UploadIrisAsync("2.0.0");
            await Eventually.TrueAsync(async () => await _h.Registry.GetVersionAsync("iris", "2.0.0") is not null, "a later pass to register 2.0.0");

            Assert.Equal(ModelVersionStatus.Registered, (await _h.Registry.GetVersionAsync("iris", "2.0.0"))?.Status);
        }
        finally
        {
            await _scanner.StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _scanner.Dispose();
        await _cache.DisposeAsync();
        await _jobs.DisposeAsync();
        _h.Dispose();
        _work.Delete(recursive: true);
    }

    private async Task<List<TableEntity>> QueuedJobsAsync() => await _jobs.Table.QueryPartitionAsync(JobRows.Partition).ToListAsync();

    private static string Sha256Of(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
}
