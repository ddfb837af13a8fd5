using System.Text.Json;
using Cloud.Jobs.Handlers;
using Cloud.Jobs.Runner;
using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Tests.Handlers;

/// <summary>The probe job: what the worker has, held for spec.seconds; a bad spec fails it at once.</summary>
public sealed class ProbeJobTests : IAsyncDisposable
{
    private readonly RegistryHarness _h = new();
    private readonly JobsHarness _jobs;

    public ProbeJobTests()
    {
        _jobs = new JobsHarness(_h);
    }

    public ValueTask DisposeAsync() => _jobs.DisposeAsync(); // and the registry

    [Fact]
    public async Task AProbeSaysWhatTheWorkerHasAndHoldsTheJobForItsSeconds()
    {
        var job = await RunAsync("""{"seconds": 1}""");

        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal($"{JobRunner.Worker}: {Environment.ProcessorCount} cores; ONNX Runtime providers CPUExecutionProvider; held 1 s", job.Summary);
        Assert.Contains("Holding; 0 s left", job.LogTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProbeWithSecondsOutOfRangeFailsAtOnce()
    {
        var job = await RunAsync("""{"seconds": 7200}""");

        Assert.Equal((JobStatus.Failed, 1), (job.Status, job.Attempts));
        Assert.Equal("A probe's spec.seconds is a whole number from 0 to 3600; got 7200.", job.Error);
    }

    private async Task<JobInfo> RunAsync(string spec)
    {
        await _jobs.Submitter.SubmitAsync(new JobMessage("probe-1", JobKinds.Probe, null, null, JsonDocument.Parse(spec).RootElement.Clone(), 1), CancellationToken.None);
        await _jobs.StartRunnerAsync([new ProbeJobHandler(TimeProvider.System)]);
        return await _jobs.WaitForAsync("probe-1", j => j.Status.IsFinished(), "the probe to finish");
    }
}
