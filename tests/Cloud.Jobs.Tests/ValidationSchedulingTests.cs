using Cloud.Jobs.Ledger;
using Cloud.Registry.Registration;
using Cloud.Sdk.Jobs;
using Cloud.Sdk.Registry;
using Cloud.Storage.Tables;

namespace Cloud.Jobs.Tests;

/// <summary>
/// Registration's follow-up in the jobs room, through the workflow every trigger calls: the validation a manifest asks
/// for is queued once, however often the event comes, and also when the first attempt's follow-ups failed.
/// </summary>
public sealed class ValidationSchedulingTests : IAsyncDisposable
{
    private readonly RegistryHarness _h = new();
    private readonly JobsHarness _jobs;

    public ValidationSchedulingTests()
    {
        _jobs = new JobsHarness(_h);
    }

    public async ValueTask DisposeAsync()
    {
        await _jobs.DisposeAsync();
        _h.Dispose();
    }

    [Fact]
    public async Task RepeatedEventsQueueTheValidateJobOnce()
    {
        var workflow = new RegistrationWorkflow(_h.Registration, [new ValidationScheduling(_jobs.Submitter)]);
        await _h.UploadIrisAsync();

        var first = await workflow.HandleBlobAsync("iris/1.0.0/model.json", CancellationToken.None);
        var again = await workflow.HandleBlobAsync("iris/1.0.0/model.onnx", CancellationToken.None);

        Assert.Equal((RegistrationStatus.Registered, RegistrationStatus.Unchanged), (first.Status, again.Status));
        var job = Assert.Single(await QueuedAsync());
        var sha = (await _h.Registry.GetVersionAsync("iris", "1.0.0"))!.Sha256!;
        Assert.Equal($"validate-iris-1.0.0-{sha[..12]}", job.RowKey);
        Assert.Equal("queued", job.Get<string>("Status"));
        // One message on the queue, whatever the number of events: the second copy was dropped as a duplicate.
        var lease = await _jobs.Queue.ReceiveAsync(TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(new JobMessage(job.RowKey, JobKinds.Validate, "iris", "1.0.0", null, 1), lease!.Message);
        Assert.Null(await _jobs.Queue.ReceiveAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task WhenTheFirstAttemptsFollowUpsFailTheRetryStillQueuesTheJob()
    {
        var failing = new FailingOnce();
        var workflow = new RegistrationWorkflow(_h.Registration, [failing, new ValidationScheduling(_jobs.Submitter)]);
        await _h.UploadIrisAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => workflow.HandleBlobAsync("iris/1.0.0/model.json", CancellationToken.None));
        Assert.Equal(ModelVersionStatus.Registered, (await _h.Registry.GetVersionAsync("iris", "1.0.0"))!.Status);
        Assert.Empty(await QueuedAsync());

        // The trigger retries the event: registration finds the version recorded, and the job still comes.
        var retry = await workflow.HandleBlobAsync("iris/1.0.0/model.json", CancellationToken.None);

        Assert.Equal(RegistrationStatus.Unchanged, retry.Status);
        Assert.Single(await QueuedAsync());
    }

    [Fact]
    public async Task AVersionWhoseManifestAsksForNoValidationQueuesNothing()
    {
        var workflow = new RegistrationWorkflow(_h.Registration, [new ValidationScheduling(_jobs.Submitter)]);
        await _h.PutAsync("iris/1.0.0/model.onnx", File.ReadAllBytes(SampleModels.Iris("model.onnx")));
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(SampleModels.IrisManifest())!.AsObject();
        manifest.Remove("validation");
        await _h.PutTextAsync("iris/1.0.0/model.json", manifest.ToJsonString());

        var first = await workflow.HandleBlobAsync("iris/1.0.0/model.json", CancellationToken.None);
        await workflow.HandleBlobAsync("iris/1.0.0/model.json", CancellationToken.None);

        Assert.Equal(RegistrationStatus.Registered, first.Status);
        Assert.Empty(await QueuedAsync());
    }

    private async Task<List<TableEntity>> QueuedAsync() => await _jobs.Table.QueryPartitionAsync(JobRows.Partition).ToListAsync();

    /// <summary>A follow-up of another room that fails once (its store was down), then works.</summary>
    private sealed class FailingOnce : IRegistrationFollowUp
    {
        private int _calls;

        public Task OnConcludedAsync(RegistrationOutcome outcome, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) == 1 ? throw new InvalidOperationException("the other room's store is down") : Task.CompletedTask;
    }
}
