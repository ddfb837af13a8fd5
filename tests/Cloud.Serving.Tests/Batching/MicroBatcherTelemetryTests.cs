using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Cloud.Serving.Batching;
using Cloud.Serving.Telemetry;

namespace Cloud.Serving.Tests.Batching;

/// <summary>
/// What a batcher reports to OpenTelemetry: batch sizes, run times and each request's queue wait, the queue's depth and
/// 429s, under the version's tags. The model has a name of its own: the serving meter is process-wide and other
/// tests' batchers record beside this one.
/// </summary>
public sealed class MicroBatcherTelemetryTests : IDisposable
{
    private readonly string _model = $"batch-{Guid.NewGuid():N}"[..18];
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _measured = new();
    private readonly MeterListener _listener = new();

    public MicroBatcherTelemetryTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ServingTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Measured(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Measured(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Measured(instrument, value, tags));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task BatchesWaitsAndTheQueueAreMeasuredUnderTheVersionsTags()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 8 }, telemetry: new BatcherTelemetry(_model, "1.0.0"));
        var (_, firstCall) = await h.SubmitRunning(1);
        var second = h.Submit(2, rows: 2);
        h.Time.Advance(TimeSpan.FromMilliseconds(3));
        var third = h.Submit(3);
        _listener.RecordObservableInstruments();
        h.Time.Advance(TimeSpan.FromMilliseconds(2));
        firstCall.Release();
        (await h.Executor.NextCallAsync()).Release();
        await Task.WhenAll(second, third);

        // Job 1 ran alone for 5 ms; jobs 2 and 3 (3 rows) queued behind it, waiting 5 and 2 ms, and then ran in no time.
        Assert.Equal([1, 3], Values("cloud.serving.batch.size"));
        Assert.Equal([0, 0.005], Values("cloud.serving.run.duration"));
        Assert.Equal([0, 0.002, 0.005], Values("cloud.serving.queue.wait"));
        Assert.Equal([3], Values("cloud.serving.queue.depth"));
    }

    [Fact]
    public async Task AFullQueueCountsA429()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 2, MaxEnqueuedBatches = 1 }, telemetry: new BatcherTelemetry(_model, "1.0.0"));
        await h.SubmitRunning(1);
        _ = h.Submit(2, rows: 2);

        await Assert.ThrowsAsync<BatchQueueFullException>(() => h.Submit(3));
        await Assert.ThrowsAsync<BatchQueueFullException>(() => h.Submit(4));

        Assert.Equal([1, 1], Values("cloud.serving.queue.rejected"));
    }

    private void Measured(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var (model, version) = (false, false);
        foreach (var tag in tags)
        {
            model |= tag.Key == "model.name" && (string?)tag.Value == _model;
            version |= tag.Key == "model.version" && (string?)tag.Value == "1.0.0";
        }

        if (model && version)
        {
            _measured.GetOrAdd(instrument.Name, _ => new ConcurrentQueue<double>()).Enqueue(value);
        }
    }

    private double[] Values(string instrument) => [.. (_measured.GetValueOrDefault(instrument) ?? []).Order()];
}
