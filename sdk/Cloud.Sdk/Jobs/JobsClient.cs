using System.Runtime.CompilerServices;
using Cloud.Sdk.Http;

namespace Cloud.Sdk.Jobs;

/// <summary>
/// The management API's jobs (<c>/api/jobs</c>): submit, look, follow, read the log, cancel (docs/jobs.md).
/// Thread-safe; create one per host and share it.
/// </summary>
public class JobsClient : IDisposable
{
    private readonly CloudPipeline _pipeline = null!;
    private readonly JobsClientOptions _options = null!;

    /// <summary>For mocking.</summary>
    protected JobsClient()
    {
    }

    /// <summary>Creates a client for a host's jobs API.</summary>
    /// <param name="endpoint">The host's address, such as <c>http://localhost:7071</c>.</param>
    /// <param name="options">Options; null for the defaults.</param>
    public JobsClient(Uri endpoint, JobsClientOptions? options = null)
    {
        _options = options ?? new JobsClientOptions();
        _pipeline = new CloudPipeline(endpoint, _options);
    }

    /// <summary>The host's address.</summary>
    public virtual Uri Endpoint => _pipeline.Endpoint;

    /// <summary>
    /// Submits a job. Give the request an <see cref="JobRequest.Id"/> to make the submission safe to retry: a second
    /// submission with the same id answers the job that has it instead of queueing another.
    /// </summary>
    /// <param name="request">The job: kind (<see cref="JobKinds"/>), model, version, spec.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job as queued.</returns>
    public virtual Task<JobInfo> SubmitAsync(JobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = _pipeline.Resolve("api/jobs");
        return _pipeline.SendJsonAsync<JobInfo>(() => CloudPipeline.Json(HttpMethod.Post, uri, request), cancellationToken);
    }

    /// <summary>One job, with the tail of its latest run's log.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job.</returns>
    public virtual Task<JobInfo> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var uri = _pipeline.Resolve($"api/jobs/{Segment(id)}");
        return _pipeline.SendJsonAsync<JobInfo>(() => new HttpRequestMessage(HttpMethod.Get, uri), cancellationToken);
    }

    /// <summary>Jobs, newest first.</summary>
    /// <param name="model">Only this model's, or null for all.</param>
    /// <param name="status">Only jobs in this status, or null for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The jobs.</returns>
    public virtual async Task<IReadOnlyList<JobInfo>> ListAsync(string? model = null, JobStatus? status = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (model is not null) query.Add("model=" + Uri.EscapeDataString(model));
        if (status is { } s) query.Add("status=" + s.ToWireName());
        var uri = _pipeline.Resolve("api/jobs" + (query.Count > 0 ? "?" + string.Join('&', query) : ""));
        return (await _pipeline.SendJsonAsync<JobList>(() => new HttpRequestMessage(HttpMethod.Get, uri), cancellationToken).ConfigureAwait(false)).Jobs;
    }

    /// <summary>The full log of the job's latest run that ended (404 until one has).</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The log text.</returns>
    public virtual async Task<string> GetLogAsync(string id, CancellationToken cancellationToken = default)
    {
        var uri = _pipeline.Resolve($"api/jobs/{Segment(id)}/log");
        using var response = await _pipeline.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cancels a queued job at once, or asks the runner of a running one to stop it (409 for a finished job).</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job after the request.</returns>
    public virtual Task<JobInfo> CancelAsync(string id, CancellationToken cancellationToken = default)
    {
        var uri = _pipeline.Resolve($"api/jobs/{Segment(id)}/cancel");
        return _pipeline.SendJsonAsync<JobInfo>(() => new HttpRequestMessage(HttpMethod.Post, uri), cancellationToken);
    }

    /// <summary>
    /// Follows a job until it finishes: yields it now, then each time its status or log tail changes, and last in
    /// its finished state.
    /// </summary>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Stops following (the job goes on).</param>
    /// <returns>The job as it changes.</returns>
    public virtual async IAsyncEnumerable<JobInfo> FollowAsync(string id, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        JobInfo? last = null;
        while (true)
        {
            var job = await GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (last is null || job.Status != last.Status || job.LogTail != last.LogTail || job.CancelRequested != last.CancelRequested)
            {
                yield return job;
            }

            if (job.Status.IsFinished())
            {
                yield break;
            }

            last = job;
            await Task.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Releases the connections.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the connections.</summary>
    /// <param name="disposing">Whether this is <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pipeline?.Dispose();
        }
    }

    private static string Segment(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }

    private sealed record JobList(IReadOnlyList<JobInfo> Jobs);
}
