using System.Net;
using System.Text.Json;
using Cloud.Sdk.Jobs;

namespace Cloud.Sdk.Tests.Clients;

/// <summary>The jobs client against the real local host and its in-process job runner.</summary>
public sealed class JobsClientHostTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task ASubmittedJobIsFollowedToItsEndWithItsLog()
    {
        var submitted = await fixture.Jobs.SubmitAsync(new JobRequest(JobKinds.Probe, null, null, JsonSerializer.SerializeToElement(new { seconds = 0 }), "probe-follow-1"));
        var again = await fixture.Jobs.SubmitAsync(new JobRequest(JobKinds.Probe, null, null, JsonSerializer.SerializeToElement(new { seconds = 0 }), "probe-follow-1"));

        var seen = new List<JobInfo>();
        await foreach (var job in fixture.Jobs.FollowAsync(submitted.Id))
        {
            seen.Add(job);
        }

        var log = await fixture.Jobs.GetLogAsync(submitted.Id);
        var listed = await fixture.Jobs.ListAsync(status: JobStatus.Succeeded);
        var finished = await Assert.ThrowsAsync<CloudRequestException>(() => fixture.Jobs.CancelAsync(submitted.Id));

        Assert.Equal("probe-follow-1", submitted.Id);
        Assert.Equal(submitted.Id, again.Id);
        Assert.Equal(JobStatus.Succeeded, seen[^1].Status);
        Assert.All(seen.Zip(seen.Skip(1)), pair => Assert.True(pair.First.Status != pair.Second.Status || pair.First.LogTail != pair.Second.LogTail || pair.First.CancelRequested != pair.Second.CancelRequested));
        Assert.NotEmpty(log);
        Assert.Contains(listed, j => j.Id == submitted.Id);
        Assert.Equal(HttpStatusCode.Conflict, finished.Status);
    }

    [Fact]
    public async Task CancellingARunningJobEndsItCancelled()
    {
        var submitted = await fixture.Jobs.SubmitAsync(new JobRequest(JobKinds.Probe, null, null, JsonSerializer.SerializeToElement(new { seconds = 600 })));
        await foreach (var job in fixture.Jobs.FollowAsync(submitted.Id))
        {
            if (job.Status == JobStatus.Running)
            {
                break;
            }
        }

        var cancelled = await fixture.Jobs.CancelAsync(submitted.Id);
        JobInfo last = cancelled;
        await foreach (var job in fixture.Jobs.FollowAsync(submitted.Id))
        {
            last = job;
        }

        Assert.True(cancelled.CancelRequested || cancelled.Status == JobStatus.Cancelled);
        Assert.Equal(JobStatus.Cancelled, last.Status);
    }

    [Fact]
    public async Task AnUnknownJobIs404()
    {
        var error = await Assert.ThrowsAsync<CloudRequestException>(() => fixture.Jobs.GetAsync("no-such-job"));

        Assert.Equal(HttpStatusCode.NotFound, error.Status);
        Assert.Contains("no-such-job", error.Message, StringComparison.Ordinal);
    }
}
