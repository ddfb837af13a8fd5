using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// A prediction's spans through the real host: "predict" with the routing decision and the status, its "queue wait"
/// child, and the batch's "run" linked to it. The listener is process-wide, so spans are told apart by the test's own
/// model name.
/// </summary>
public sealed class TracingHttpTests : IAsyncLifetime, IDisposable
{
    private readonly string _model = $"traced-{Guid.NewGuid():N}"[..19];
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;
    private ServingHost _host = null!;

    public TracingHttpTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Cloud.Serving",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public async Task InitializeAsync()
    {
        _host = await ServingHost.StartAsync();
        Assert.Contains("\"registration\":\"registered\"", await _host.PushFolderAsync(_model, "1.0.0", Repo.IrisFolder), StringComparison.Ordinal);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task APredictionHasItsSpanItsQueueWaitAndALinkFromTheRun()
    {
        using var response = await _host.Client.PostAsync($"/v1/models/{_model}/versions/1.0.0:predict",
            new StringContent("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Activity? predict = null, run = null;
        await Eventually.TrueAsync(() =>
        {
            predict = _stopped.SingleOrDefault(a => a.DisplayName == "predict" && (string?)a.GetTagItem("model.name") == _model);
            run = _stopped.SingleOrDefault(a => a.DisplayName == "run" && (string?)a.GetTagItem("model.name") == _model);
            return predict is not null && run is not null;
        }, "the predict and run spans");

        Assert.Equal(("1.0.0", "version", 200), ((string?)predict!.GetTagItem("model.version"), (string?)predict.GetTagItem("model.route"), (int?)predict.GetTagItem("http.response.status_code")));
        var wait = Assert.Single(_stopped, a => a.DisplayName == "queue wait" && a.ParentSpanId == predict.SpanId);
        Assert.Equal(predict.TraceId, wait.TraceId);
        var link = Assert.Single(run!.Links);
        Assert.Equal((predict.TraceId, predict.SpanId), (link.Context.TraceId, link.Context.SpanId));
        // The wait ends where the run begins, both inside the request's span.
        Assert.Equal(wait.StartTimeUtc + wait.Duration, run.StartTimeUtc);
        Assert.InRange(run.StartTimeUtc, predict.StartTimeUtc, predict.StartTimeUtc + predict.Duration);
    }
}
